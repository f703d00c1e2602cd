using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;

namespace Retrieval.Search.Tests.Store;

/// <summary>A fresh directory for one test's index, deleted afterwards (after the SQLite pools are released).</summary>
internal sealed class TempIndexDirectory : IDisposable
{
    public TempIndexDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "retrieval-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public SqliteIndexOptions Options => new() { Directory = Path, BusyTimeout = TimeSpan.FromSeconds(10) };

    public SqliteIndexStore Open(bool readOnly = false, bool rebuild = false) =>
        SqliteIndexStore.Open(Options with { ReadOnly = readOnly, Rebuild = rebuild });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; never fail a test over it.
        }
    }
}

/// <summary>Documents built in code with predictable content.</summary>
internal static class StoreTestData
{
    public const string Root = "/photos";

    public static readonly IReadOnlyDictionary<string, string> ModelHashes = new Dictionary<string, string>
    {
        ["det"] = "1111111111111111111111111111111111111111111111111111111111111111",
        ["rec"] = "2222222222222222222222222222222222222222222222222222222222222222",
    };

    public static Quad Box(float x, float y, float w, float h) =>
        new(new PointF(x, y), new PointF(x + w, y), new PointF(x + w, y + h), new PointF(x, y + h));

    /// <summary>A line whose words are its space-separated parts, boxes cut from the line quad.</summary>
    public static LineDocument Line(string text, ReadingLattice? lattice = null, float y = 10f)
    {
        var quad = Box(10f, y, 10f * Math.Max(1, text.Length), 20f);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var words = new List<WordDocument>();
        var position = 0;
        foreach (var part in parts)
        {
            var start = text.IndexOf(part, position, StringComparison.Ordinal);
            position = start + part.Length;
            words.Add(new WordDocument(quad.Slice(start / (float)text.Length, position / (float)text.Length), part, 0.9f));
        }

        return new LineDocument(quad, text, 0.9f, lattice ?? LatticeBuilder.Clean(text), words);
    }

    public static ImageDocument Image(string path, params LineDocument[] lines) => new()
    {
        Key = ImageKey.ForFile(path),
        Root = Root,
        Size = 1000 + path.Length,
        Modified = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(path.Length * 12345L),
        ContentHash = FileContentHash.Sha256(System.Text.Encoding.UTF8.GetBytes(path)),
        Width = 1280,
        Height = 720,
        Lines = lines,
    };

    /// <summary>An image of <paramref name="lines"/> synthetic lines (see <see cref="SyntheticText"/>).</summary>
    public static ImageDocument SyntheticImage(string path, Random random, int lines) =>
        Image(path, Enumerable.Range(0, lines).Select(l =>
        {
            var (text, lattice) = SyntheticText.Line(random);
            return Line(text, lattice, y: 30f * l);
        }).ToArray());

    public static ImageDocument Image(string path, params string[] lines) =>
        Image(path, lines.Select((t, i) => Line(t, y: 10f + (30f * i))).ToArray());
}
