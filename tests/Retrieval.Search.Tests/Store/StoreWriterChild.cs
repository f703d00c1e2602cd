using System.Diagnostics;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;

namespace Retrieval.Search.Tests.Store;

/// <summary>
/// The writer a crash test kills: writes the images of <see cref="Path"/> in order, <see cref="BatchSize"/>
/// per transaction, skipping those already stored (as a resumed run does), and prints
/// "committed N" after each commit, until killed or <see cref="MaxImages"/> are stored.
/// </summary>
internal static class StoreWriterChild
{
    public const string Verb = "store-writer-child";
    public const int BatchSize = 30;
    public const int LinesPerImage = 6;
    public const int WordsPerLine = 5;
    public const int MaxImages = 100_000;

    public static string Path(int i) => $"/photos/img-{i:D6}.jpg";

    /// <summary>The text of line <paramref name="line"/> of image <paramref name="image"/>: unique per image, <see cref="WordsPerLine"/> words.</summary>
    public static string Text(int image, int line) => $"sign {image:D6} line {line} exit";

    public static ImageDocument Document(int image)
    {
        var lines = new LineDocument[LinesPerImage];
        for (var l = 0; l < LinesPerImage; l++)
        {
            var builder = new LatticeBuilder();
            foreach (var rune in Text(image, l).EnumerateRunes())
            {
                builder.Confused(rune.ToString(), 0.8f, "o", 0.1f);
            }

            lines[l] = StoreTestData.Line(Text(image, l), builder.Build(), y: 30f * l);
        }

        return StoreTestData.Image(Path(image), lines);
    }

    /// <summary>Writes the images not yet stored, in batches; returns how many it wrote.</summary>
    public static async Task<int> ResumeAsync(IIndexStore store, int total, Action<int>? committed, CancellationToken cancellationToken)
    {
        var written = 0;
        var batch = new List<ImageDocument>(BatchSize);
        for (var i = 0; i < total; i++)
        {
            if (await store.FindImageAsync(ImageKey.ForFile(Path(i)), cancellationToken) is null)
            {
                batch.Add(Document(i));
            }

            if (batch.Count == BatchSize || (i == total - 1 && batch.Count > 0))
            {
                await store.WriteAsync(batch, cancellationToken);
                written += batch.Count;
                committed?.Invoke(i + 1);
                batch.Clear();
            }
        }

        return written;
    }

    public static async Task RunAsync(string directory)
    {
        using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = directory });
        await store.EnsureModelsAsync(StoreTestData.ModelHashes, TextFolding.Default, rebuild: false);
        var stopwatch = Stopwatch.StartNew();
        await ResumeAsync(
            store,
            MaxImages,
            n =>
            {
                Console.Out.WriteLine($"committed {n} {stopwatch.ElapsedMilliseconds}");
                Console.Out.Flush();
            },
            CancellationToken.None);
    }
}
