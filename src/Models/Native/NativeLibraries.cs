using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Retrieval.Models.Native;

/// <summary>
/// Points the runtime's P/Invoke resolution at the libraries in <see cref="RetrievalCache"/>, so no
/// <c>LD_LIBRARY_PATH</c> is needed. Registered once, when this assembly loads.
/// </summary>
public static class NativeLibraries
{
    public const string Vips = "vips";
    private const string OnnxRuntime = "onnxruntime";

    private static int registered;

#pragma warning disable CA2255 // The resolver must be in place before any P/Invoke of either library.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        OrtEnv.DisableDllImportResolver = true;
        NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, ResolveOnnxRuntime);
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, ResolveOwn);
    }

    private static IntPtr ResolveOnnxRuntime(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == OnnxRuntime
            ? Load(Path.Combine(RetrievalCache.OnnxRuntimeLibraryDirectory, "libonnxruntime.so"), "ONNX Runtime")
            : IntPtr.Zero;

    private static IntPtr ResolveOwn(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Vips ? Load(RetrievalCache.LibvipsPath, "libvips") : IntPtr.Zero;

    private static IntPtr Load(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new DllNotFoundException(
                $"{what} was not found at {path}. Build the solution (it fetches native dependencies), " +
                $"or run 'bash build/fetch-native-deps.sh', or set {RetrievalCache.EnvironmentVariable} to the cache folder.");
        }

        return NativeLibrary.Load(path);
    }
}
