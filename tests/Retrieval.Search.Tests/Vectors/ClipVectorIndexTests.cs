using Retrieval.Models.Clip;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Search.Tests.Vectors;

public sealed class ClipVectorIndexTests
{
    private const int Width = 64;

    [Theory]
    [InlineData(EmbeddingPrecision.Float32)]
    [InlineData(EmbeddingPrecision.Float16)]
    public void The_scan_returns_the_images_a_brute_force_max_over_their_rows_ranks_first(EmbeddingPrecision precision)
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 3000).Select(i => (ImageId: (long)random.Next(500), Vector: UnitVector(random))).ToList();
        var builder = new ClipVectorIndexBuilder(Width, precision);
        foreach (var (imageId, vector) in rows)
        {
            builder.Add(imageId, vector);
        }

        var index = builder.Build();
        var query = UnitVector(random);

        var hits = index.Search(query, 10);

        var expected = rows
            .GroupBy(r => r.ImageId)
            .Select(g => (ImageId: g.Key, Best: g.Max(r => (double)ClipVectors.Dot(query, r.Vector))))
            .OrderByDescending(x => x.Best).ThenBy(x => x.ImageId)
            .Take(10)
            .ToList();
        hits.Should().HaveCount(10);
        var tolerance = precision == EmbeddingPrecision.Float16 ? 2e-3 : 1e-5;
        for (var i = 0; i < hits.Count; i++)
        {
            hits[i].Similarity.Should().BeApproximately((float)expected[i].Best, (float)tolerance);
        }

        if (precision == EmbeddingPrecision.Float32)
        {
            hits.Select(h => h.ImageId).Should().Equal(expected.Select(e => e.ImageId));
        }
        else
        {
            // Half rounding may swap near-ties; the sets still agree on all but close calls.
            hits.Select(h => h.ImageId).Intersect(expected.Select(e => e.ImageId)).Should().HaveCountGreaterThanOrEqualTo(8);
        }

        hits.Select(h => rows[h.Row].ImageId).Should().Equal(hits.Select(h => h.ImageId), "each hit names the row that scored it");
    }

    [Fact]
    public void A_float16_index_takes_half_the_vector_memory_of_a_float32_one()
    {
        var half = new ClipVectorIndexBuilder(512, EmbeddingPrecision.Float16).Build().BytesPerRow;
        var single = new ClipVectorIndexBuilder(512, EmbeddingPrecision.Float32).Build().BytesPerRow;

        (single - half).Should().Be(512 * 2);
        half.Should().BeLessThan((512 * 2) + 48, "besides the vector a row keeps its image index and region");
    }

    [Fact]
    public void A_vector_of_another_width_is_refused()
    {
        var builder = new ClipVectorIndexBuilder(Width, EmbeddingPrecision.Float32);
        var act = () => builder.Add(1, new float[Width + 1]);
        act.Should().Throw<InvalidDataException>().WithMessage("*mixes models*");
    }

    [Fact]
    public void An_empty_index_finds_nothing()
    {
        new ClipVectorIndexBuilder(Width, EmbeddingPrecision.Float16).Build().Search(new float[Width], 5).Should().BeEmpty();
    }

    private static float[] UnitVector(Random random)
    {
        var vector = new float[Width];
        for (var i = 0; i < Width; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        ClipVectors.Normalize(vector);
        return vector;
    }
}
