using Retrieval.Models.Imaging;
using Retrieval.Models.Text.Detection;

namespace Retrieval.Models.Tests.Detection;

public sealed class DetectionPreprocessorTests
{
    [Theory]
    [InlineData(1280, 720, DetectionLimitType.Max, 960, 960, 544)]
    [InlineData(1280, 720, DetectionLimitType.Max, 1280, 1280, 704)]
    [InlineData(1280, 720, DetectionLimitType.Max, 1920, 1280, 704)]
    [InlineData(1280, 720, DetectionLimitType.Min, 736, 1312, 736)]
    [InlineData(1280, 720, DetectionLimitType.ResizeLong, 1920, 1920, 1088)]
    [InlineData(1280, 720, DetectionLimitType.ResizeLong, 640, 640, 352)]
    [InlineData(720, 1280, DetectionLimitType.Max, 960, 544, 960)]
    [InlineData(20, 10, DetectionLimitType.Max, 960, 32, 32)]
    public void The_input_size_follows_paddleocr_rounding(int width, int height, DetectionLimitType type, int limit, int expectedWidth, int expectedHeight)
    {
        // 720 / 32 = 22.5 rounds half to even (22), as Python's round does.
        var options = new DetectorOptions { LimitType = type, LimitSideLength = limit };
        DetectionPreprocessor.InputSize(width, height, options).Should().Be((expectedWidth, expectedHeight));
    }

    [Fact]
    public void The_max_side_limit_caps_limit_type_min()
    {
        var options = new DetectorOptions { LimitType = DetectionLimitType.Min, LimitSideLength = 960, MaxSideLimit = 1000 };
        var (w, h) = DetectionPreprocessor.InputSize(4000, 300, options);
        w.Should().Be(1000 / 32 * 32);
        h.Should().Be(64);
    }

    [Fact]
    public void Planes_are_blue_green_red_normalized_with_imagenet_statistics()
    {
        var image = RgbImage.Filled(50, 30, 255, 128, 0);
        var planes = new float[3 * 32 * 32];
        DetectionPreprocessor.ResizeNormalize(image, 32, 32, 0, 0, 32, 32, planes);

        const int Plane = 32 * 32;
        planes[..Plane].Should().AllSatisfy(v => v.Should().BeApproximately((0f - 0.485f) / 0.229f, 1e-4f));
        planes[Plane..(2 * Plane)].Should().AllSatisfy(v => v.Should().BeApproximately(((128f / 255f) - 0.456f) / 0.224f, 1e-4f));
        planes[(2 * Plane)..].Should().AllSatisfy(v => v.Should().BeApproximately((1f - 0.406f) / 0.225f, 1e-4f));
    }

    [Fact]
    public void A_tile_is_the_same_as_the_matching_part_of_the_whole_input()
    {
        var image = TextRenderer.Render(new SceneSpec(300, 200, [new TextItem("TILE", 40, 60, "DejaVu Sans Bold 40")], SceneBackground.Noise));
        var whole = new float[3 * 256 * 160];
        DetectionPreprocessor.ResizeNormalize(image, 256, 160, 0, 0, 256, 160, whole);
        var tile = new float[3 * 64 * 96];
        DetectionPreprocessor.ResizeNormalize(image, 256, 160, 100, 32, 64, 96, tile);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 96; y++)
            {
                for (var x = 0; x < 64; x++)
                {
                    tile[(c * 64 * 96) + (y * 64) + x].Should().Be(whole[(c * 256 * 160) + ((y + 32) * 256) + x + 100]);
                }
            }
        }
    }

    [Fact]
    public void Downscaling_interpolates_bilinearly_with_half_pixel_centres()
    {
        // A 4x1 ramp 0, 100, 200, 250 halved: OpenCV's INTER_LINEAR samples source x = 0.5 and 2.5.
        var image = new RgbImage(4, 1, [0, 0, 0, 100, 100, 100, 200, 200, 200, 250, 250, 250]);
        var planes = new float[3 * 2];
        DetectionPreprocessor.ResizeNormalize(image, 2, 1, 0, 0, 2, 1, planes);
        var expected0 = ((50f / 255f) - 0.485f) / 0.229f;
        var expected1 = ((225f / 255f) - 0.485f) / 0.229f;
        planes[0].Should().BeApproximately(expected0, 1e-4f);
        planes[1].Should().BeApproximately(expected1, 1e-4f);
    }
}
