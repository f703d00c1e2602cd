using System.Globalization;
using Retrieval.Indexer.Pipeline;

namespace Retrieval.Indexer.Output;

/// <summary>The end-of-run summary of <c>retrieval index</c>: what was indexed, skipped and failed, and why.</summary>
internal static class SummaryOutput
{
    public static void Write(TextWriter writer, IndexingSummary s, string indexDirectory)
    {
        var rate = s.Elapsed.TotalSeconds > 0 ? (s.Indexed + s.Failed + s.VideoFrames) / s.Elapsed.TotalSeconds : 0;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(s.Cancelled ? "Interrupted" : "Done")} in {s.Elapsed.TotalSeconds:0.0} s: {s.Indexed} indexed ({s.Lines} text lines), {s.Skipped} unchanged, {s.Failed} failed, {s.Pruned} pruned; {rate:0.00} images/s. Index: {indexDirectory}"));
        if (s.VideoFrames > 0 || s.DuplicateFrames > 0)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Videos: {s.VideoFrames} frames read, {s.DuplicateFrames} sampled frames skipped as duplicates of the frame before."));
        }
        if (s.Embedding is { } e)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CLIP: {e.Images} images embedded ({e.Regions} text regions besides the whole images) with {e.ModelDirectory} (id {e.ModelId[..Math.Min(12, e.ModelId.Length)]})."));
        }

        if (s.Failures.Count > 0)
        {
            writer.WriteLine("Failed:");
            foreach (var (path, error) in s.Failures.Take(50))
            {
                writer.WriteLine($"  {path}: {error}");
            }

            if (s.Failures.Count > 50)
            {
                writer.WriteLine($"  ... and {s.Failures.Count - 50} more");
            }
        }

        if (s.Problems.Count > 0)
        {
            writer.WriteLine("Not walked:");
            foreach (var p in s.Problems)
            {
                writer.WriteLine($"  {p.Path}: {p.Reason}");
            }
        }

        if (s.Cancelled)
        {
            writer.WriteLine("Everything finished before the interruption is saved; run the same command again to resume.");
        }
    }
}
