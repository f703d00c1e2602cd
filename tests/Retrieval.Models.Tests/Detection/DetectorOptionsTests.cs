using Retrieval.Models.Text.Detection;

namespace Retrieval.Models.Tests.Detection;

public sealed class DetectorOptionsTests
{
    [Fact]
    public void The_defaults_and_the_paddleocr_preset_are_valid()
    {
        new DetectorOptions().Validate();
        DetectorOptions.PaddleOcr.Validate();
    }

    [Fact]
    public void Every_invalid_setting_is_reported_at_once()
    {
        var options = new DetectorOptions { LimitSideLength = 8, BinarizationThreshold = 1.5f, TileSize = 100 };
        var act = () => options.Validate();
        act.Should().Throw<ArgumentOutOfRangeException>()
            .Which.Message.Should().Contain("LimitSideLength").And.Contain("BinarizationThreshold").And.Contain("TileSize");
    }

    [Fact]
    public void The_fast_preset_is_paddleocrs_input_size_and_the_accurate_one_the_enlarged_default()
    {
        DetectorOptions.For(DetectorPreset.Fast).Should().Be(DetectorOptions.PaddleOcr);
        DetectorOptions.For(DetectorPreset.Accurate).Should().Be(new DetectorOptions());
        DetectorOptions.For(DetectorPreset.Accurate).LimitType.Should().Be(DetectionLimitType.Min);
        DetectorOptions.For(DetectorPreset.Fast).LimitType.Should().Be(DetectionLimitType.Max);
    }
}
