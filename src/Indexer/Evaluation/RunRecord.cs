using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Retrieval.Models.Onnx;
using Retrieval.Search;
using Retrieval.Search.Evaluation.Reports;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Evaluation;

/// <summary>
/// What a benchmark report records so the run can be repeated and compared: the commit the program
/// was built from, the hashes of the models that built the index (as the index recorded them), every
/// option in effect (defaults included, not only what was typed), the index's format, and the machine.
/// </summary>
internal static class RunRecord
{
    private static readonly JsonSerializerOptions CompactJson = CreateCompactJson();

    public static RunInfo Create(EvaluationSettings settings, IndexInfo index, IReadOnlyDictionary<string, string> catalogHashes, string modelsDirectory, SearchOptions search, int resultsKeptPerQuery, DateTimeOffset started) => new()
    {
        Commit = BuildCommit(typeof(RunRecord).Assembly) ?? GitCommit(AppContext.BaseDirectory),
        ModelHashes = index.Models.Count > 0 ? index.Models : catalogHashes,
        Options = Options(settings, index, modelsDirectory, search, resultsKeptPerQuery),
        CommandLine = settings.CommandLine,
        Machine = MachineInfo.Current(Accelerator(settings.Indexing.Ocr.Onnx.Device)),
        StartedAt = started,
        FinishedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>
    /// The commit an assembly was built from: the .NET SDK stamps it into the informational version
    /// ("1.0.0+SHA") when it builds from a git checkout. Null when it was built from elsewhere.
    /// </summary>
    public static string? BuildCommit(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plus = version?.IndexOf('+', StringComparison.Ordinal) ?? -1;
        return plus >= 0 && plus < version!.Length - 1 ? version[(plus + 1)..] : null;
    }

    private static Dictionary<string, string> Options(EvaluationSettings settings, IndexInfo index, string modelsDirectory, SearchOptions search, int resultsKeptPerQuery)
    {
        var indexing = settings.Indexing;
        var onnx = indexing.Ocr.Onnx;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["index"] = Path.GetFullPath(settings.IndexDirectory),
            ["index.created"] = index.Created.ToString("u", CultureInfo.InvariantCulture),
            ["index.schemaVersion"] = I(index.SchemaVersion),
            ["index.latticeFormatVersion"] = I(index.LatticeFormatVersion),
            ["index.folding"] = index.Folding.ToString(),
            ["models"] = modelsDirectory,
            ["device"] = onnx.Device.ToString(),
            ["threadsPerSession"] = I(onnx.ThreadsPerSession),
            ["decodeWorkers"] = I(indexing.DecodeWorkers),
            ["detectWorkers"] = I(indexing.DetectWorkers),
            ["recognizeWorkers"] = I(indexing.RecognizeWorkers),
            ["batchSize"] = I(indexing.BatchSize),
            ["rebuild"] = B(indexing.Rebuild),
            ["decode.applyOrientation"] = B(indexing.Decode.ApplyOrientation),
            ["decode.maxSide"] = I(indexing.Decode.MaxSide),
            ["decode.maxPixels"] = indexing.Decode.MaxPixels.ToString(CultureInfo.InvariantCulture),
            ["ocr.detector"] = JsonSerializer.Serialize(indexing.Ocr.Detector, CompactJson),
            ["ocr.recognizer"] = JsonSerializer.Serialize(indexing.Ocr.Recognizer, CompactJson),
            ["exhaustive"] = B(search.Exhaustive),
            ["search.top"] = I(search.Top),
            ["search.minScore"] = search.MinScore.ToString("R", CultureInfo.InvariantCulture),
            ["search.candidatesPerTerm"] = I(search.CandidatesPerTerm),
            ["report.resultsKeptPerQuery"] = I(resultsKeptPerQuery),
        };
    }

    /// <summary>What ran the models, as far as the options say; CPU only is recorded as null.</summary>
    private static string? Accelerator(ExecutionDevice device) => device switch
    {
        ExecutionDevice.Cpu => null,
        ExecutionDevice.Cuda => "CUDA (required for indexing)",
        _ => "CUDA if it loaded, else CPU (--device auto; the indexing log says which)",
    };

    /// <summary>HEAD of the checkout holding <paramref name="directory"/> (the program's own folder), for builds the SDK did not stamp.</summary>
    private static string? GitCommit(string directory)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", directory, "rev-parse", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            var output = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit();
            return git?.ExitCode == 0 && output is { Length: > 0 } ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string B(bool value) => value ? "true" : "false";

    private static JsonSerializerOptions CreateCompactJson()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
