using Retrieval.Models.Clip;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Clip;

public sealed class ClipImagePreprocessorTests
{
    public static TheoryData<string, int, int, string> Resizes()
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (var r in ClipFixtures.Reference.Resizes)
        {
            data.Add(r.Source, r.Width, r.Height, r.Filter);
        }

        return data;
    }

    public static TheoryData<string, string> PreparedImages()
    {
        var data = new TheoryData<string, string>();
        foreach (var image in ClipFixtures.Reference.Images.Where(i => i.Preprocessed is not null))
        {
            data.Add(image.File, image.ResizeMode);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Resizes))]
    public void Resampling_matches_pillow_byte_for_byte(string source, int width, int height, string filter)
    {
        var reference = ClipFixtures.Reference.Resizes.Single(r => r.Source == source && r.Width == width && r.Height == height && r.Filter == filter);
        var resized = ImageResampler.Resize(ClipFixtures.Image(source), width, height, Enum.Parse<ResampleFilter>(filter, ignoreCase: true));
        var expected = ClipFixtures.Image(reference.Expected);
        resized.Width.Should().Be(width);
        resized.Height.Should().Be(height);
        resized.Pixels.AsSpan(0, width * height * 3).SequenceEqual(expected.Pixels.AsSpan(0, width * height * 3)).Should().BeTrue(
            "Pillow's {0} resize to {1}x{2} is the reference (max difference {3})", filter, width, height, MaxDifference(resized, expected));
    }

    [Theory]
    [MemberData(nameof(PreparedImages))]
    public void Each_resize_mode_prepares_the_same_pixels_as_the_python_reference(string file, string mode)
    {
        var reference = ClipFixtures.Reference.Images.Single(i => i.File == file && i.ResizeMode == mode);
        var preprocessor = new ClipImagePreprocessor(new ClipPreprocessConfig { ImageSize = 32, ResizeMode = Enum.Parse<ClipResizeMode>(mode, ignoreCase: true) });
        var prepared = preprocessor.Prepare(ClipFixtures.Image(file));
        var expected = ClipFixtures.Image(reference.Preprocessed!);
        MaxDifference(prepared, expected).Should().Be(0);
    }

    [Fact]
    public void Longest_mode_pads_with_the_fill_color_and_keeps_the_whole_image()
    {
        var wide = RgbImage.Filled(64, 16, 200, 100, 50);
        var preprocessor = new ClipImagePreprocessor(new ClipPreprocessConfig { ImageSize = 32, ResizeMode = ClipResizeMode.Longest, FillColor = 7 });
        var prepared = preprocessor.Prepare(wide);
        Pixel(prepared, 16, 0).Should().Equal(7, 7, 7);
        Pixel(prepared, 0, 12).Should().Equal(200, 100, 50);
        Pixel(prepared, 31, 19).Should().Equal(200, 100, 50);
        Pixel(prepared, 16, 20).Should().Equal(7, 7, 7);
    }

    [Fact]
    public void Normalization_writes_planar_channels_as_value_over_255_minus_mean_over_std()
    {
        var config = new ClipPreprocessConfig { ImageSize = 8, Mean = [0.5f, 0.25f, 0f], Std = [0.5f, 0.25f, 1f] };
        var preprocessor = new ClipImagePreprocessor(config);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(RgbImage.Filled(8, 8, 255, 0, 51), tensor);
        tensor[..64].Should().OnlyContain(v => v == 1f);
        tensor[64..128].Should().OnlyContain(v => v == -1f);
        tensor[128..].Should().OnlyContain(v => Math.Abs(v - 0.2f) < 1e-6f);
    }

    private static byte[] Pixel(RgbImage image, int x, int y) => image.Pixels.AsSpan((y * image.Stride) + (x * 3), 3).ToArray();

    private static int MaxDifference(RgbImage a, RgbImage b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
        {
            return int.MaxValue;
        }

        var max = 0;
        for (var i = 0; i < a.Width * a.Height * 3; i++)
        {
            max = Math.Max(max, Math.Abs(a.Pixels[i] - b.Pixels[i]));
        }

        return max;
    }
}
