using System.Reflection;

namespace Retrieval.Models.Native;

/// <summary>
/// The folder outside the repository where the build put the native runtimes and models
/// (see build/fetch-native-deps.sh). <c>RETRIEVAL_CACHE</c> wins; otherwise the folder the
/// build used; otherwise <c>~/.cache/retrieval</c>.
/// </summary>
public static class RetrievalCache
{
    public const string EnvironmentVariable = "RETRIEVAL_CACHE";

    public static string Directory { get; } = Locate();

    public static string OnnxRuntimeLibraryDirectory => Path.Combine(Directory, "onnxruntime-1.29.0", "lib");

    public static string LibvipsPath => Path.Combine(Directory, "libvips-8.18.7", "lib", "libvips-cpp.so.8.18.7");

    public static string PaddleOcrModelsDirectory => Path.Combine(Directory, "ppocr-v4");

    /// <summary>The English word list (SCOWL sizes 10-50, one lower-cased word per line) that tells a word from a fragment.</summary>
    public static string LexiconPath => Path.Combine(Directory, "lexicon-scowl-50", "words.txt");

    public static string FfmpegPath => Path.Combine(Directory, "ffmpeg-4.1.0", "ffmpeg");

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var fromBuild = typeof(RetrievalCache).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RetrievalCache")?.Value;
        if (!string.IsNullOrWhiteSpace(fromBuild) && System.IO.Directory.Exists(fromBuild))
        {
            return fromBuild;
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "retrieval");
    }
}
