using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>The machine a run measured on, for comparing timings across reports.</summary>
public sealed record MachineInfo(
    string OperatingSystem,
    string Architecture,
    int ProcessorCount,
    string? ProcessorName,
    long? MemoryBytes,
    string Runtime,
    string? Accelerator)
{
    /// <summary>This machine as .NET and <c>/proc</c> describe it; <paramref name="accelerator"/> is what the runner used (e.g. "CUDA: NVIDIA H100"), null for CPU only.</summary>
    public static MachineInfo Current(string? accelerator = null) => new(
        RuntimeInformation.OSDescription,
        RuntimeInformation.OSArchitecture.ToString(),
        Environment.ProcessorCount,
        ReadProcessorName(),
        ReadMemoryBytes(),
        RuntimeInformation.FrameworkDescription,
        accelerator);

    private static string? ReadProcessorName()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long? ReadMemoryBytes()
    {
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return total > 0 ? total : null;
    }
}

/// <summary>
/// What makes a run reproducible, filled by the runner and written verbatim into the report: the code
/// (commit), the models (file name to SHA-256, see <see cref="Sha256Async"/>), the options as the user
/// gave them, the command line, the machine, and when it ran.
/// </summary>
public sealed record RunInfo
{
    public string? Commit { get; init; }

    public IReadOnlyDictionary<string, string> ModelHashes { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public string? CommandLine { get; init; }

    public MachineInfo Machine { get; init; } = MachineInfo.Current();

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Lower-case hex SHA-256 of a file (a model), for <see cref="ModelHashes"/>.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }
}
