using System.Buffers;
using System.Numerics;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// Turns an <see cref="RgbImage"/> into the DB model's input the way PaddleOCR does: resize
/// (DetResizeForTest type 0: limit the side, round each side to a multiple of 32, at least 32),
/// bilinear with OpenCV's half-pixel centres, then x/255 normalized with ImageNet mean and std on
/// the planes B, G, R in that order (PaddleOCR feeds OpenCV BGR images), NCHW. Resize and
/// normalization run as one pass straight into the caller's float buffer.
/// </summary>
public static class DetectionPreprocessor
{
    // Plane order is B, G, R; each plane's value is p * Scale[c] + Bias[c] = (p / 255 - mean) / std.
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>The model input size (each side a multiple of 32) for an image of the given size.</summary>
    public static (int Width, int Height) InputSize(int width, int height, DetectorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(options);
        double limit = options.LimitSideLength;
        var ratio = options.LimitType switch
        {
            DetectionLimitType.Max => Math.Max(width, height) > limit ? limit / Math.Max(width, height) : 1.0,
            DetectionLimitType.Min => Math.Min(width, height) < limit ? limit / Math.Min(width, height) : 1.0,
            DetectionLimitType.ResizeLong => limit / Math.Max(width, height),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.LimitType, "Unknown limit type."),
        };
        ratio = Math.Min(ratio, (double)options.MaxSideLimit / Math.Max(width, height));
        return (RoundTo32((int)(width * ratio)), RoundTo32((int)(height * ratio)));
    }

    /// <summary>
    /// Writes the normalized NCHW planes of the region (<paramref name="regionX"/>, <paramref name="regionY"/>,
    /// <paramref name="regionWidth"/> x <paramref name="regionHeight"/>) of the image resized to
    /// <paramref name="inputWidth"/> x <paramref name="inputHeight"/> into <paramref name="destination"/>
    /// (3 * regionWidth * regionHeight floats). The whole input is the region (0, 0, inputWidth, inputHeight);
    /// tiles are sub-regions, computed without materializing the resized image.
    /// </summary>
    public static void ResizeNormalize(RgbImage image, int inputWidth, int inputHeight, int regionX, int regionY, int regionWidth, int regionHeight, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        if (regionX < 0 || regionY < 0 || regionWidth <= 0 || regionHeight <= 0 || regionX + regionWidth > inputWidth || regionY + regionHeight > inputHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(regionX), $"Region ({regionX}, {regionY}, {regionWidth}x{regionHeight}) is not inside the {inputWidth}x{inputHeight} input.");
        }

        var plane = regionWidth * regionHeight;
        if (destination.Length < 3 * plane)
        {
            throw new ArgumentException($"The destination needs {3 * plane} floats, it has {destination.Length}.", nameof(destination));
        }

        // Separable: each needed source row is interpolated horizontally once into planar B, G, R
        // rows (two cached: consecutive output rows mostly share their source rows), then output rows
        // are vertical blends of two such rows, normalized on the way out (vectorized).
        var x0 = ArrayPool<int>.Shared.Rent(regionWidth);
        var x1 = ArrayPool<int>.Shared.Rent(regionWidth);
        var wx = ArrayPool<float>.Shared.Rent(regionWidth);
        var cache = ArrayPool<float>.Shared.Rent(6 * regionWidth);
        try
        {
            var scaleX = (double)image.Width / inputWidth;
            for (var i = 0; i < regionWidth; i++)
            {
                var (a, b, w) = Taps(regionX + i, scaleX, image.Width);
                x0[i] = a * 3;
                x1[i] = b * 3;
                wx[i] = w;
            }

            Span<int> cachedRow = [-1, -1];
            var scaleY = (double)image.Height / inputHeight;
            for (var j = 0; j < regionHeight; j++)
            {
                var (ya, yb, wy) = Taps(regionY + j, scaleY, image.Height);
                var upper = HorizontalRow(image, ya, cache, cachedRow, yb, x0, x1, wx, regionWidth);
                var lower = HorizontalRow(image, yb, cache, cachedRow, ya, x0, x1, wx, regionWidth);
                for (var c = 0; c < 3; c++)
                {
                    var output = destination.Slice((c * plane) + (j * regionWidth), regionWidth);
                    var scale = 1f / (255f * Std[c]);
                    var bias = -Mean[c] / Std[c];
                    BlendNormalize(upper.Slice(c * regionWidth, regionWidth), lower.Slice(c * regionWidth, regionWidth), wy, scale, bias, output);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(x0);
            ArrayPool<int>.Shared.Return(x1);
            ArrayPool<float>.Shared.Return(wx);
            ArrayPool<float>.Shared.Return(cache);
        }
    }

    /// <summary>
    /// Source row <paramref name="y"/> interpolated horizontally, planes B, G, R, from one of two cache
    /// slots; computes it into the slot not holding <paramref name="keep"/> when it is not cached.
    /// </summary>
    private static ReadOnlySpan<float> HorizontalRow(RgbImage image, int y, float[] cache, Span<int> cachedRow, int keep, int[] x0, int[] x1, float[] wx, int width)
    {
        for (var slot = 0; slot < 2; slot++)
        {
            if (cachedRow[slot] == y)
            {
                return cache.AsSpan(slot * 3 * width, 3 * width);
            }
        }

        var target = cachedRow[0] == keep ? 1 : 0;
        cachedRow[target] = y;
        var row = cache.AsSpan(target * 3 * width, 3 * width);
        var blue = row[..width];
        var green = row.Slice(width, width);
        var red = row.Slice(2 * width, width);
        var source = image.Pixels.AsSpan(y * image.Stride, image.Stride);
        for (var i = 0; i < width; i++)
        {
            int a = x0[i], b = x1[i];
            var w = wx[i];
            red[i] = source[a] + ((source[b] - source[a]) * w);
            green[i] = source[a + 1] + ((source[b + 1] - source[a + 1]) * w);
            blue[i] = source[a + 2] + ((source[b + 2] - source[a + 2]) * w);
        }

        return row;
    }

    private static void BlendNormalize(ReadOnlySpan<float> upper, ReadOnlySpan<float> lower, float weight, float scale, float bias, Span<float> output)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<float>(weight);
            var s = new Vector<float>(scale);
            var b = new Vector<float>(bias);
            for (; i + Vector<float>.Count <= output.Length; i += Vector<float>.Count)
            {
                var u = new Vector<float>(upper[i..]);
                var l = new Vector<float>(lower[i..]);
                ((u + ((l - u) * w)) * s + b).CopyTo(output[i..]);
            }
        }

        for (; i < output.Length; i++)
        {
            output[i] = ((upper[i] + ((lower[i] - upper[i]) * weight)) * scale) + bias;
        }
    }

    /// <summary>PaddleOCR: max(round(side / 32) * 32, 32), with Python's round-half-to-even.</summary>
    private static int RoundTo32(int side) => Math.Max((int)Math.Round(side / 32.0, MidpointRounding.ToEven) * 32, 32);

    /// <summary>OpenCV INTER_LINEAR source taps for destination index <paramref name="d"/>: half-pixel centres, edges clamped.</summary>
    private static (int A, int B, float W) Taps(int d, double scale, int sourceLength)
    {
        var f = ((d + 0.5) * scale) - 0.5;
        var a = (int)Math.Floor(f);
        var w = (float)(f - a);
        if (a < 0)
        {
            return (0, 0, 0f);
        }

        if (a >= sourceLength - 1)
        {
            return (sourceLength - 1, sourceLength - 1, 0f);
        }

        return (a, a + 1, w);
    }

}
