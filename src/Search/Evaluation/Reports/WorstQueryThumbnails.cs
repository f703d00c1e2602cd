using System.Text;
using Retrieval.Models.Imaging;
using Retrieval.Search.Evaluation.Metrics;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>
/// Writes one JPEG strip per worst query into <c>worst/</c> of a report folder (see
/// <see cref="ThumbnailStripRenderer"/> for what a strip shows). Names are reproducible:
/// <c>NN-slug.jpg</c>, NN the query's place in the worst list (01 = worst) and slug its text in
/// lower-case ASCII letters and digits, so the same run gives the same names and report.md's links
/// stay stable. Strips left from an earlier run (names of that pattern) are removed first; other
/// files in the folder are left alone. Queries that returned nothing get no strip.
/// </summary>
public static class WorstQueryThumbnails
{
    public const string FolderName = "worst";

    private const int SlugLength = 40;

    public static IReadOnlyList<ThumbnailStrip> Write(IReadOnlyList<QueryEvaluation> worst, string reportDirectory, ThumbnailStripOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worst);
        ArgumentException.ThrowIfNullOrWhiteSpace(reportDirectory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var folder = Path.Combine(reportDirectory, FolderName);
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.EnumerateFiles(folder, "*.jpg").Where(f => IsStripName(Path.GetFileName(f))).ToList())
        {
            File.Delete(stale);
        }

        var strips = new List<ThumbnailStrip>(worst.Count);
        for (var i = 0; i < worst.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var query = worst[i];
            if (query.TopResults.Count == 0)
            {
                continue;
            }

            var (image, cells) = ThumbnailStripRenderer.Render(query, options, cancellationToken);
            var name = FileName(i + 1, query.Query);
            File.WriteAllBytes(Path.Combine(folder, name), ImageEncoder.EncodeJpeg(image, options.Quality));
            strips.Add(new ThumbnailStrip(i + 1, query.Query, $"{FolderName}/{name}", image.Width, image.Height, cells));
        }

        return strips;
    }

    /// <summary>The strip's file name for the query at 1-based <paramref name="position"/> of the worst list.</summary>
    public static string FileName(int position, string query)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(position, 1);
        ArgumentNullException.ThrowIfNull(query);
        var slug = new StringBuilder(SlugLength);
        foreach (var c in query.ToLowerInvariant())
        {
            if (slug.Length == SlugLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().TrimEnd('-');
        return $"{position:00}-{(text.Length > 0 ? text : "query")}.jpg";
    }

    /// <summary>Whether a file name has the pattern <see cref="FileName"/> makes (so it may be replaced).</summary>
    private static bool IsStripName(string name)
    {
        var digits = name.TakeWhile(char.IsAsciiDigit).Count();
        return digits >= 2
            && name.Length > digits + 5
            && name[digits] == '-'
            && name.EndsWith(".jpg", StringComparison.Ordinal)
            && name[(digits + 1)..^4].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }
}
