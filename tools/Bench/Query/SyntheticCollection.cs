using Retrieval.Search.Store;

namespace Retrieval.Bench.Query;

/// <summary>
/// A large collection made from a real index: copy 0 is the real images unchanged; every further
/// copy repeats each real image, path and all, under its own folder, with each line's letters and
/// digits partly exchanged (1 to 3 <see cref="SymbolSwap"/>s per line, seeded by copy). So the
/// collection keeps the real lattices' lengths, confidences and alternatives, its text varies, and
/// common trigrams stay common while whole words repeat only where a swap missed them.
/// </summary>
internal sealed class SyntheticCollection
{
    public const string Root = "/synthetic";

    private readonly IReadOnlyList<SourceImage> images;
    private readonly int seed;

    private SyntheticCollection(IReadOnlyList<SourceImage> images, int seed)
    {
        this.images = images;
        this.seed = seed;
        LinesPerCopy = images.Sum(i => i.Lines.Count);
    }

    public int ImagesPerCopy => images.Count;

    public int LinesPerCopy { get; }

    /// <summary>Reads every image and line of <paramref name="store"/> (the images without text too).</summary>
    public static async Task<SyntheticCollection> LoadAsync(IIndexStore store, int seed, CancellationToken cancellationToken)
    {
        var byImage = new Dictionary<long, List<StoredLine>>();
        await foreach (var line in store.StreamLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!byImage.TryGetValue(line.ImageId, out var list))
            {
                byImage[line.ImageId] = list = [];
            }

            list.Add(line);
        }

        var images = new List<SourceImage>();
        await foreach (var image in store.ListImagesUnderAsync("/", cancellationToken).ConfigureAwait(false))
        {
            if (image.Status == ImageStatus.Ok)
            {
                var lines = byImage.GetValueOrDefault(image.Id) ?? [];
                images.Add(new SourceImage(image, lines.OrderBy(l => l.Ordinal).ToList()));
            }
        }

        return new SyntheticCollection(images, seed);
    }

    /// <summary>The images of copy <paramref name="copy"/>, in source order.</summary>
    public IEnumerable<ImageDocument> Copy(int copy)
    {
        var random = new Random(unchecked((seed * 1_000_003) + copy));
        foreach (var source in images)
        {
            yield return new ImageDocument
            {
                Key = ImageKey.ForFile($"{Root}/copy-{copy:D4}/{Path.GetFileName(source.Image.Key.Path)}"),
                Root = Root,
                Size = source.Image.Size,
                Modified = source.Image.Modified,
                Width = source.Image.Width,
                Height = source.Image.Height,
                Lines = source.Lines.Select(line => CopyLine(line, copy == 0 ? null : SymbolSwap.Random(line.Text, random.Next(1, 4), random))).ToList(),
            };
        }
    }

    private static LineDocument CopyLine(StoredLine line, SymbolSwap? swap) => swap is null
        ? LineDocument.From(line)
        : new LineDocument(line.Quad, swap.Apply(line.Text), line.Confidence, swap.Apply(line.Lattice), line.Words.Select(w => new WordDocument(w.Quad, swap.Apply(w.Text), w.Confidence)).ToList());

    /// <summary>A real image and its lines in reading order.</summary>
    private sealed record SourceImage(StoredImage Image, IReadOnlyList<StoredLine> Lines);
}
