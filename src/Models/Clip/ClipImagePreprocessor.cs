using Retrieval.Models.Imaging;

namespace Retrieval.Models.Clip;

/// <summary>
/// Turns any <see cref="RgbImage"/> into a CLIP vision tower's input: resize per <see cref="ClipResizeMode"/> with
/// Pillow-exact resampling, center crop or pad to S×S, then CHW floats (v / 255 - mean) / std. Matches Hugging Face's
/// CLIPImageProcessor and OpenCLIP's transforms, with one documented difference: OpenAI's torchvision
/// CenterCrop rounds an odd margin half-to-even, here (as in Hugging Face and Immich) it is floored, a one-pixel
/// offset for some sizes. Thread-safe.
/// </summary>
public sealed class ClipImagePreprocessor
{
    public ClipImagePreprocessor(ClipPreprocessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
    }

    public ClipPreprocessConfig Config { get; }

    public int ImageSize => Config.ImageSize;

    /// <summary>Floats one image needs: 3·S·S.</summary>
    public int TensorLength => 3 * ImageSize * ImageSize;

    /// <summary>The S×S RGB image the model will see (before normalization).</summary>
    public RgbImage Prepare(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var s = Config.ImageSize;
        return Config.ResizeMode switch
        {
            ClipResizeMode.Squash => ImageResampler.Resize(image, s, s, Config.Filter),
            ClipResizeMode.Longest => Place(ResizeLongest(image, s), s),
            _ => Place(ResizeShortest(image, Config.EffectiveResizeSize), s),
        };
    }

    /// <summary>Writes the normalized CHW tensor of one image into <paramref name="destination"/> (length ≥ <see cref="TensorLength"/>).</summary>
    public void Preprocess(RgbImage image, Span<float> destination) => Normalize(Prepare(image), destination);

    /// <summary>Normalizes an image that is already S×S.</summary>
    public void Normalize(RgbImage prepared, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var s = Config.ImageSize;
        if (prepared.Width != s || prepared.Height != s)
        {
            throw new ArgumentException($"Expected a {s}x{s} image, got {prepared.Width}x{prepared.Height}; call Prepare first.", nameof(prepared));
        }

        if (destination.Length < TensorLength)
        {
            throw new ArgumentException($"The destination needs {TensorLength} floats, it has {destination.Length}.", nameof(destination));
        }

        var plane = s * s;
        var pixels = prepared.Pixels;
        for (var c = 0; c < 3; c++)
        {
            // The same float32 operations as torchvision's ToTensor + Normalize, so the tensors agree bit for bit.
            var mean = Config.Mean[c];
            var std = Config.Std[c];
            var output = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                output[i] = ((pixels[(i * 3) + c] / 255f) - mean) / std;
            }
        }
    }

    /// <summary>Hugging Face's and torchvision's shortest edge: the short side becomes r, the long side int(r · long / short).</summary>
    private RgbImage ResizeShortest(RgbImage image, int r)
    {
        var wide = image.Width >= image.Height;
        var (shortSide, longSide) = wide ? (image.Height, image.Width) : (image.Width, image.Height);
        var newLong = Math.Max(1, (int)((double)r * longSide / shortSide));
        return wide ? ImageResampler.Resize(image, newLong, r, Config.Filter) : ImageResampler.Resize(image, r, newLong, Config.Filter);
    }

    /// <summary>OpenCLIP's ResizeKeepRatio(longest): both sides divided by the larger ratio, rounded half-to-even like Python's round().</summary>
    private RgbImage ResizeLongest(RgbImage image, int s)
    {
        var ratio = Math.Max((double)image.Width / s, (double)image.Height / s);
        var width = Math.Clamp((int)Math.Round(image.Width / ratio, MidpointRounding.ToEven), 1, s);
        var height = Math.Clamp((int)Math.Round(image.Height / ratio, MidpointRounding.ToEven), 1, s);
        return ImageResampler.Resize(image, width, height, Config.Filter);
    }

    /// <summary>Center crop (when larger) or centered padding with the fill color (when smaller) to s×s.</summary>
    private RgbImage Place(RgbImage image, int s)
    {
        if (image.Width == s && image.Height == s)
        {
            return image;
        }

        var fill = Config.FillColor;
        var result = RgbImage.Filled(s, s, fill, fill, fill);
        // Each axis is either cropped (source offset) or padded (destination offset), the margin floored.
        var srcX = Math.Max(0, image.Width - s) / 2;
        var srcY = Math.Max(0, image.Height - s) / 2;
        var dstX = Math.Max(0, s - image.Width) / 2;
        var dstY = Math.Max(0, s - image.Height) / 2;
        var width = Math.Min(image.Width - srcX, s - dstX);
        var height = Math.Min(image.Height - srcY, s - dstY);
        for (var y = 0; y < height; y++)
        {
            image.Pixels.AsSpan(((srcY + y) * image.Stride) + (srcX * 3), width * 3)
                .CopyTo(result.Pixels.AsSpan(((dstY + y) * result.Stride) + (dstX * 3)));
        }

        return result;
    }
}
