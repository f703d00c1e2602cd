namespace Retrieval.Models.Tests.Recognition;

/// <summary>
/// The ICDAR2015 dev set: <c>RETRIEVAL_DEV_DATA</c>, else <c>../shared/data/ic15-train</c> next to the
/// repository root. Null when neither exists; tests that need it are skipped with the reason.
/// </summary>
internal static class DevData
{
    public const string EnvironmentVariable = "RETRIEVAL_DEV_DATA";

    public static string? Directory { get; } = Locate();

    public static string SkipReason => $"Dev data not found: set {EnvironmentVariable} or put ICDAR2015 train at ../shared/data/ic15-train relative to the repository root.";

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return System.IO.Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Retrieval.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "ic15-train"));
                return System.IO.Directory.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that is skipped, with the reason shown, when the dev data is absent.</summary>
internal sealed class DevDataFactAttribute : FactAttribute
{
    public DevDataFactAttribute()
    {
        if (DevData.Directory is null)
        {
            Skip = DevData.SkipReason;
        }
    }
}
