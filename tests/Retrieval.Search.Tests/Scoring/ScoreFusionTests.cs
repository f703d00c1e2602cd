using Retrieval.Models.Clip;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Search.Tests.Scoring;

/// <summary>The fusion arithmetic on synthetic channels: random unit vectors for the CLIP side, given scores for the text side.</summary>
public sealed class ScoreFusionTests
{
    private const int Width = 16;
    private const long Planted = 7;

    private readonly float[] query;
    private readonly ClipScan scan;

    public ScoreFusionTests()
    {
        var random = new Random(3);
        query = UnitVector(random);
        var builder = new ClipVectorIndexBuilder(Width, EmbeddingPrecision.Float32);
        for (long image = 1; image <= 300; image++)
        {
            builder.Add(image, image == Planted ? query : UnitVector(random));
        }

        scan = builder.Build().Scan(query);
    }

    [Fact]
    public void Weighted_fusion_finds_an_image_the_text_channel_missed_and_keeps_strong_text_matches_first()
    {
        var text = Text((3, 0.95), (5, 0.4));
        var options = FusionOptions.Default with { Method = FusionMethod.Weighted, ClipWeight = 0.2 };

        var fused = ScoreFusion.Fuse(text, scan, options, minScore: 0.05, needed: 10);

        fused.Select(f => f.ImageId).Should().StartWith([3, 5, Planted]);
        var planted = fused.Single(f => f.ImageId == Planted);
        planted.Channels.Text.Should().BeNull();
        planted.Channels.ByClip.Should().BeTrue();
        planted.Channels.ByText.Should().BeFalse();
        planted.Channels.ClipRank.Should().Be(1);
        planted.Channels.ClipSimilarity.Should().BeApproximately(1, 1e-5);
        planted.Score.Should().BeApproximately(0.2 * planted.Channels.Clip!.Value, 1e-12);
        var first = fused[0];
        first.Score.Should().BeApproximately((0.8 * 0.95) + (0.2 * first.Channels.Clip!.Value), 1e-12);
        first.Channels.ByText.Should().BeTrue();
    }

    [Fact]
    public void A_clip_weight_of_zero_ranks_exactly_as_the_text_channel_alone()
    {
        var text = Text((3, 0.5), (5, 0.9), (9, 0.02), (11, 0.5));

        var fused = ScoreFusion.Fuse(text, scan, FusionOptions.Default with { ClipWeight = 0 }, minScore: 0.05, needed: 10);

        fused.Select(f => (f.ImageId, f.Score)).Should().Equal((5, 0.9), (3, 0.5), (11, 0.5));
    }

    [Fact]
    public void Reciprocal_rank_fusion_scores_one_for_first_in_both_channels_and_sums_the_weighted_reciprocal_ranks()
    {
        var text = Text((Planted, 0.9), (4, 0.8));
        var options = FusionOptions.Default with { Method = FusionMethod.Rrf, ClipWeight = 0.5, RrfK = 60 };

        var fused = ScoreFusion.Fuse(text, scan, options, minScore: 0.05, needed: 10);

        fused[0].ImageId.Should().Be(Planted);
        fused[0].Score.Should().BeApproximately(1, 1e-12);
        var second = fused.Single(f => f.ImageId == 4);
        var expected = (0.5 / (60 + 2)) + (second.Channels.ClipRank is { } rank ? 0.5 / (60 + rank) : 0);
        second.Score.Should().BeApproximately(expected * 61, 1e-12);
    }

    [Fact]
    public void Calibration_maps_the_z_score_through_a_logistic_centred_at_the_calibration_center()
    {
        var options = FusionOptions.Default;
        var atCenter = scan.Mean + (options.CalibrationCenter * scan.StandardDeviation);

        ScoreFusion.Calibrate(atCenter, scan, options).Should().BeApproximately(0.5, 1e-9);
        ScoreFusion.Calibrate(scan.Mean, scan, options).Should().BeLessThan(0.01, "a typical image is no evidence");
        ScoreFusion.Calibrate(1, scan, options).Should().BeGreaterThan(0.8, "the query's own vector stands about four standard deviations out in 16 dimensions");
        scan.Images.Should().Be(300);
    }

    [Fact]
    public void Fusing_with_fusion_off_is_refused()
    {
        var act = () => ScoreFusion.Fuse([], scan, FusionOptions.Default with { Method = FusionMethod.Off }, 0.05, 10);

        act.Should().Throw<ArgumentException>();
    }

    private static List<(long ImageId, double Score)> Text(params (long ImageId, double Score)[] scores) => [.. scores];

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
