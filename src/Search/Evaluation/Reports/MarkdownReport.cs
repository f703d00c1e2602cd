using System.Globalization;
using System.Text;
using Retrieval.Search.Evaluation.Metrics;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>
/// Renders <c>report.md</c>: the summary table, the run record, warnings, the charts, the worst
/// queries with what was found instead, and their thumbnail strips (when written).
/// </summary>
public static class MarkdownReport
{
    private const int InsteadShown = 3;

    /// <param name="strips">The worst queries' strips (<see cref="WorstQueryThumbnails"/>), linked by their relative paths; none when null.</param>
    public static string Render(EvaluationReport report, int worstQueries, string precisionRecallChart, string histogramChart, IReadOnlyList<ThumbnailStrip>? strips = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var s = report.Summary;
        Line(md, $"# Retrieval benchmark: {Escape(report.Dataset)}");
        Line(md, string.Empty);
        Line(md, "| metric | value |");
        Line(md, "|---|---|");
        Line(md, $"| queries | {s.Queries} |");
        Line(md, $"| gallery images | {report.GallerySize} |");
        Line(md, $"| mAP | {F(s.MeanAveragePrecision)} |");
        Line(md, $"| P@1 | {F(s.PrecisionAt1)} |");
        Line(md, $"| P@10 | {F(s.PrecisionAt10)} |");
        Line(md, $"| R@100 | {F(s.RecallAt100)} |");
        Line(md, $"| queries with no relevant result found | {s.QueriesWithNoRelevantFound} |");
        if (report.Performance is { } p)
        {
            Line(md, p.IndexedImages > 0
                ? $"| indexing | {p.ImagesPerSecond.ToString("0.00", CultureInfo.InvariantCulture)} images/s ({p.IndexedImages} images in {p.IndexingSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s) |"
                : "| indexing | not measured: the index was complete and reused, nothing was indexed in this run |");
            Line(md, $"| query latency p50 / p95 | {p.QueryLatencyP50Milliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms / {p.QueryLatencyP95Milliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms ({p.QueryCount} queries) |");
        }

        Line(md, string.Empty);
        Line(md, $"![precision-recall]({precisionRecallChart}) ![AP histogram]({histogramChart})");
        Line(md, string.Empty);
        RenderRun(md, report.Run);
        if (report.DatasetWarnings.Count > 0)
        {
            Line(md, "## Dataset warnings");
            Line(md, string.Empty);
            foreach (var warning in report.DatasetWarnings)
            {
                Line(md, $"- {Escape(warning)}");
            }

            Line(md, string.Empty);
        }

        var worst = report.WorstQueries(worstQueries);
        var byPosition = (strips ?? []).ToDictionary(strip => strip.Position);
        RenderWorst(md, worst, byPosition);
        RenderStrips(md, worst, byPosition);
        return md.ToString();
    }

    private static void RenderRun(StringBuilder md, RunInfo run)
    {
        Line(md, "## Run");
        Line(md, string.Empty);
        Line(md, $"- started: {run.StartedAt.ToString("u", CultureInfo.InvariantCulture)}" + (run.FinishedAt is { } f ? $", finished: {f.ToString("u", CultureInfo.InvariantCulture)}" : string.Empty));
        Line(md, $"- commit: {Escape(run.Commit ?? "unknown")}");
        if (run.CommandLine is { } command)
        {
            Line(md, $"- command: `{command.Replace('`', '\'')}`");
        }

        var m = run.Machine;
        Line(md, $"- machine: {Escape(m.ProcessorName ?? "unknown CPU")}, {m.ProcessorCount} logical cores, {Escape(m.OperatingSystem)} {m.Architecture}, {Escape(m.Runtime)}"
            + (m.MemoryBytes is { } bytes ? $", {bytes / (1024.0 * 1024 * 1024):0.0} GiB" : string.Empty)
            + (m.Accelerator is { } a ? $", {Escape(a)}" : ", CPU only"));
        foreach (var (model, hash) in run.ModelHashes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Line(md, $"- model {Escape(model)}: sha256 {hash}");
        }

        foreach (var (option, value) in run.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Line(md, $"- option {Escape(option)} = {Escape(value)}");
        }

        Line(md, string.Empty);
    }

    private static void RenderWorst(StringBuilder md, IReadOnlyList<QueryEvaluation> worst, Dictionary<int, ThumbnailStrip> strips)
    {
        Line(md, $"## The {worst.Count} worst queries");
        Line(md, string.Empty);
        Line(md, "| # | query | AP | relevant | found | first relevant at | returned instead | top results |");
        Line(md, "|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < worst.Count; i++)
        {
            var q = worst[i];
            var instead = q.TopResults.Where(r => !r.IsRelevant).Take(InsteadShown).Select(Describe).ToList();
            var picture = strips.TryGetValue(i + 1, out var strip) ? $"[{strip.Cells.Count} pictured]({strip.RelativePath})" : "-";
            Line(md, $"| {i + 1} | {Escape(q.Query)} | {F(q.AveragePrecision)} | {q.RelevantCount} | {q.FoundCount} | {(q.FirstRelevantRank is { } r ? r.ToString(CultureInfo.InvariantCulture) : "-")} | {(q.ReturnedCount == 0 ? "no results" : instead.Count > 0 ? string.Join("<br>", instead) : "-")} | {picture} |");
        }

        Line(md, string.Empty);
    }

    /// <summary>Each worst query's strip under its own heading, with the cells listed in text (and why a picture is missing).</summary>
    private static void RenderStrips(StringBuilder md, IReadOnlyList<QueryEvaluation> worst, Dictionary<int, ThumbnailStrip> strips)
    {
        if (strips.Count == 0)
        {
            return;
        }

        Line(md, "## Top results of the worst queries");
        Line(md, string.Empty);
        Line(md, "Green frame ✓: relevant; red frame ✗: not relevant; orange outlines: the matched words. Best result on the left.");
        Line(md, string.Empty);
        for (var i = 0; i < worst.Count; i++)
        {
            if (!strips.TryGetValue(i + 1, out var strip))
            {
                continue;
            }

            var q = worst[i];
            Line(md, $"### {i + 1}. {Escape(q.Query)} (AP {F(q.AveragePrecision)}, {q.FoundCount} of {q.RelevantCount} relevant found)");
            Line(md, string.Empty);
            Line(md, $"![top results for {Escape(q.Query).Replace("]", "\\]", StringComparison.Ordinal)}]({strip.RelativePath})");
            Line(md, string.Empty);
            Line(md, string.Join(" · ", strip.Cells.Select(Caption)));
            Line(md, string.Empty);
        }
    }

    private static string Caption(ThumbnailCell cell)
    {
        var state = cell.Failure is not null ? $" (not shown: {cell.Failure})" : cell.BoxesDrawn == 0 ? " (no matched box)" : string.Empty;
        return Escape($"#{cell.Rank} {(cell.IsRelevant ? "✓" : "✗")} {Path.GetFileName(cell.Image)} {cell.Score.ToString("0.###", CultureInfo.InvariantCulture)}{state}");
    }

    private static string Describe(EvaluatedResult result)
    {
        var texts = result.Boxes.Select(b => b.Text).OfType<string>().Distinct(StringComparer.Ordinal).Take(3).ToList();
        var read = texts.Count > 0 ? $", read \"{string.Join("\", \"", texts)}\"" : string.Empty;
        return Escape($"#{result.Rank} {Path.GetFileName(result.Image)} ({result.Score.ToString("0.###", CultureInfo.InvariantCulture)}{read})");
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Keeps user text from breaking a table row or turning into markup.</summary>
    private static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace("\r", " ", StringComparison.Ordinal)
        .Replace("\n", " ", StringComparison.Ordinal);

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');
}
