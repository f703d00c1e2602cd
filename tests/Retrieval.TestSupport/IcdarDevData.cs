using Xunit;

namespace Retrieval.TestSupport;

/// <summary>
/// The ICDAR2015 training photos used as dev data (images/img_N.jpg, gt/gt_img_N.txt). Found through
/// RETRIEVAL_DEV_DATA, else shared/data/ic15-train next to the repository root or one of its parents
/// (a worktree under /work/wt finds /work/shared). Never copied into the repository.
/// </summary>
public static class IcdarDevData
{
    public const string EnvironmentVariable = "RETRIEVAL_DEV_DATA";

    /// <summary>The folder, or null when it is not on this machine.</summary>
    public static string? Directory { get; } = Locate();

    public static string SkipReason =>
        $"ICDAR2015 dev data not found: set {EnvironmentVariable} or put it at ../shared/data/ic15-train relative to the repository root.";

    public static string ImagePath(int number) => Path.Combine(Require(), "images", $"img_{number}.jpg");

    public static string GroundTruthPath(int number) => Path.Combine(Require(), "gt", $"gt_img_{number}.txt");

    private static string Require() => Directory ?? throw new InvalidOperationException(SkipReason);

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return System.IO.Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Retrieval.sln")))
        {
            root = root.Parent;
        }

        for (var dir = root?.Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "ic15-train");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "images")))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that is skipped, with the reason printed, when the ICDAR2015 dev data is absent.</summary>
public sealed class IcdarDevDataFactAttribute : FactAttribute
{
    public IcdarDevDataFactAttribute()
    {
        if (IcdarDevData.Directory is null)
        {
            Skip = IcdarDevData.SkipReason;
        }
    }
}
