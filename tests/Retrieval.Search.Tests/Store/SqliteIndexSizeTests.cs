using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

public sealed class SqliteIndexSizeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    /// <summary>
    /// Synthetic lines shaped like recognizer output (seeded): 8 to 24 characters, one line in four
    /// Chinese, 2 steps per character plus padding, 3 entries on character steps, 1 on blank steps.
    /// </summary>
    [Fact]
    public async Task An_index_of_synthetic_lines_takes_at_most_2_KB_per_line()
    {
        const int Images = 100;
        const int LinesPerImage = 10;
        var random = new Random(20240506);
        var documents = Enumerable.Range(0, Images)
            .Select(i => Image($"/photos/{i:D5}.jpg", Enumerable.Range(0, LinesPerImage).Select(l => SyntheticLine(random, l)).ToArray()))
            .ToList();
        var latticeBytes = documents.SelectMany(d => d.Lines).Sum(l => (long)LatticeCodec.Encode(l.Lattice).Length);

        var stopwatch = Stopwatch.StartNew();
        using (var store = directory.Open())
        {
            foreach (var batch in documents.Chunk(25))
            {
                await store.WriteAsync(batch);
            }
        }

        stopwatch.Stop();
        var lines = Images * LinesPerImage;
        var fileBytes = new FileInfo(Path.Combine(directory.Path, SqliteIndexOptions.FileName)).Length;
        var (trigramBytes, gramBytes) = TextIndexBytes();
        output.WriteLine(
            $"{lines} lines: {fileBytes / (double)lines:F0} B/line in {SqliteIndexOptions.FileName} (lattice blobs {latticeBytes / (double)lines:F0}, " +
            $"trigram index {trigramBytes / (double)lines:F0}, short-gram index {gramBytes / (double)lines:F0}); " +
            $"written at {lines / stopwatch.Elapsed.TotalSeconds:F0} lines/s");
        (fileBytes / (double)lines).Should().BeLessThanOrEqualTo(2048);
    }

    private static LineDocument SyntheticLine(Random random, int ordinal)
    {
        var (text, lattice) = SyntheticText.Line(random);
        return Line(text, lattice, y: 30f * ordinal);
    }

    private (long Trigrams, long Grams) TextIndexBytes()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, SqliteIndexOptions.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT sum(length(block)) FROM line_trigrams_data) + (SELECT sum(length(sz) + 16) FROM line_trigrams_docsize),
                   (SELECT sum(length(block)) FROM line_grams_data) + (SELECT sum(length(sz) + 16) FROM line_grams_docsize)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
