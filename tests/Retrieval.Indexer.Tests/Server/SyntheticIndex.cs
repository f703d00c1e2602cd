using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// Writes rendered scenes straight into a store with synthetic lattices (clean readings of the
/// rendered text, word boxes cut from the line box by character position), without running the
/// OCR models: for what the real pipeline cannot produce here, such as video frames.
/// </summary>
internal static class SyntheticIndex
{
    public static async Task<IReadOnlyDictionary<string, long>> WriteAsync(IIndexStore store, string root, IReadOnlyList<SceneFile> files, Func<SceneFile, ImageKey>? key = null)
    {
        var documents = files.Select(f => Document(root, f, key?.Invoke(f) ?? ImageKey.ForFile(f.FullPath))).ToList();
        var ids = await store.WriteAsync(documents);
        return files.Select((f, i) => (f.RelativePath, ids[i])).ToDictionary(p => p.RelativePath, p => p.Item2);
    }

    public static ImageDocument Document(string root, SceneFile file, ImageKey key)
    {
        var info = new FileInfo(file.FullPath);
        return new ImageDocument
        {
            Key = key,
            Root = root,
            Size = info.Length,
            Modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero),
            Width = file.Width,
            Height = file.Height,
            FrameSpan = key.FrameTime is { } t ? new FrameSpan(t, t + TimeSpan.FromSeconds(2)) : null,
            Lines = file.Lines.Select(l => Line(l.Text, l.Box)).ToList(),
        };
    }

    private static LineDocument Line(string text, Retrieval.Models.Geometry.Quad box)
    {
        var words = new List<WordDocument>();
        var start = 0;
        foreach (var word in text.Split(' '))
        {
            var from = (float)start / text.Length;
            var to = (float)(start + word.Length) / text.Length;
            words.Add(new WordDocument(box.Slice(from, to), word, 0.99f));
            start += word.Length + 1;
        }

        return new LineDocument(box, text, 0.99f, LatticeBuilder.Clean(Folding.Fold(text, TextFolding.Default)), words);
    }
}
