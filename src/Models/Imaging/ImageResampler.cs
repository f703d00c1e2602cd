namespace Retrieval.Models.Imaging;

/// <summary>
/// Resampling filters. Values are Pillow's resample numbers, which Hugging Face preprocessor
/// configs store (<c>"resample": 3</c> is bicubic); they are persisted there, so they are frozen.
/// </summary>
public enum ResampleFilter
{
    Lanczos = 1,
    Bilinear = 2,
    Bicubic = 3,
}

/// <summary>
/// Resizes <see cref="RgbImage"/>s exactly as Pillow's <c>Image.resize</c> does for 8-bit RGB
/// (Pillow's Resample.c: separable convolution, horizontal pass first, the filter widened by the
/// scale factor when shrinking so it antialiases, coefficients in 22-bit fixed point, each pass
/// rounded and clamped to 8 bits). CLIP's published preprocessing (torchvision and Hugging Face,
/// both over Pillow) resizes this way, so matching it bit for bit keeps our image embeddings
/// identical to the reference ones. Thread-safe; allocates the result.
/// </summary>
public static class ImageResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The resized image; <paramref name="source"/> itself when the size is unchanged.</summary>
    public static RgbImage Resize(RgbImage source, int width, int height, ResampleFilter filter)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!Enum.IsDefined(filter))
        {
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "Use Bilinear, Bicubic or Lanczos.");
        }

        var needHorizontal = width != source.Width;
        var needVertical = height != source.Height;
        if (!needHorizontal && !needVertical)
        {
            return source;
        }

        var vertical = Coefficients.Compute(source.Height, height, filter);
        var image = source;
        if (needHorizontal)
        {
            // Only the source rows the vertical pass reads are resampled horizontally.
            var firstRow = vertical.Bounds[0];
            var lastRow = vertical.Bounds[(height - 1) * 2] + vertical.Bounds[(height * 2) - 1];
            for (var i = 0; i < height; i++)
            {
                vertical.Bounds[i * 2] -= firstRow;
            }

            image = Horizontal(source, firstRow, lastRow - firstRow, Coefficients.Compute(source.Width, width, filter));
        }

        return needVertical ? Vertical(image, vertical) : image;
    }

    private static RgbImage Horizontal(RgbImage source, int firstRow, int rows, Coefficients c)
    {
        var outWidth = c.OutSize;
        var result = new byte[outWidth * rows * 3];
        var input = source.Pixels;
        for (var y = 0; y < rows; y++)
        {
            var inRow = (firstRow + y) * source.Stride;
            var outRow = y * outWidth * 3;
            for (var x = 0; x < outWidth; x++)
            {
                var min = c.Bounds[x * 2];
                var count = c.Bounds[(x * 2) + 1];
                var k = c.Weights.AsSpan(x * c.Size, count);
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                var p = inRow + (min * 3);
                for (var i = 0; i < k.Length; i++, p += 3)
                {
                    r += input[p] * k[i];
                    g += input[p + 1] * k[i];
                    b += input[p + 2] * k[i];
                }

                result[outRow + (x * 3)] = Clip8(r);
                result[outRow + (x * 3) + 1] = Clip8(g);
                result[outRow + (x * 3) + 2] = Clip8(b);
            }
        }

        return new RgbImage(outWidth, rows, result);
    }

    private static RgbImage Vertical(RgbImage source, Coefficients c)
    {
        var stride = source.Stride;
        var result = new byte[stride * c.OutSize];
        var input = source.Pixels;
        for (var y = 0; y < c.OutSize; y++)
        {
            var min = c.Bounds[y * 2];
            var k = c.Weights.AsSpan(y * c.Size, c.Bounds[(y * 2) + 1]);
            for (var x = 0; x < stride; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                var p = (min * stride) + x;
                for (var i = 0; i < k.Length; i++, p += stride)
                {
                    sum += input[p] * k[i];
                }

                result[(y * stride) + x] = Clip8(sum);
            }
        }

        return new RgbImage(source.Width, c.OutSize, result);
    }

    private static byte Clip8(int value) =>
        value <= 0 ? (byte)0 : value >= (256 << PrecisionBits) ? (byte)255 : (byte)(value >> PrecisionBits);

    /// <summary>Per output pixel: the first input pixel, how many are read, and their fixed-point weights.</summary>
    private sealed class Coefficients
    {
        private Coefficients(int outSize, int size, int[] bounds, int[] weights)
        {
            OutSize = outSize;
            Size = size;
            Bounds = bounds;
            Weights = weights;
        }

        public int OutSize { get; }

        /// <summary>Weights per output pixel (the stride of <see cref="Weights"/>).</summary>
        public int Size { get; }

        public int[] Bounds { get; }

        public int[] Weights { get; }

        public static Coefficients Compute(int inSize, int outSize, ResampleFilter filter)
        {
            var (function, filterSupport) = Filter(filter);
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(1.0, scale);
            var support = filterSupport * filterScale;
            var size = ((int)Math.Ceiling(support) * 2) + 1;
            var bounds = new int[outSize * 2];
            var weights = new int[outSize * size];
            var k = new double[size];
            for (var xx = 0; xx < outSize; xx++)
            {
                var center = (xx + 0.5) * scale;
                var inverse = 1.0 / filterScale;
                var min = Math.Max(0, (int)(center - support + 0.5));
                var count = Math.Min(inSize, (int)(center + support + 0.5)) - min;
                var total = 0.0;
                for (var x = 0; x < count; x++)
                {
                    k[x] = function((x + min - center + 0.5) * inverse);
                    total += k[x];
                }

                for (var x = 0; x < count; x++)
                {
                    var w = total != 0.0 ? k[x] / total : k[x];
                    weights[(xx * size) + x] = w < 0 ? (int)(-0.5 + (w * (1 << PrecisionBits))) : (int)(0.5 + (w * (1 << PrecisionBits)));
                }

                bounds[xx * 2] = min;
                bounds[(xx * 2) + 1] = count;
            }

            return new Coefficients(outSize, size, bounds, weights);
        }

        private static (Func<double, double> Function, double Support) Filter(ResampleFilter filter) => filter switch
        {
            ResampleFilter.Bilinear => (Bilinear, 1.0),
            ResampleFilter.Bicubic => (Bicubic, 2.0),
            ResampleFilter.Lanczos => (Lanczos, 3.0),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, null),
        };

        private static double Bilinear(double x)
        {
            x = Math.Abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }

        /// <summary>Keys' cubic convolution with a = -0.5, as Pillow uses.</summary>
        private static double Bicubic(double x)
        {
            const double A = -0.5;
            x = Math.Abs(x);
            if (x < 1.0)
            {
                return ((((A + 2.0) * x) - (A + 3.0)) * x * x) + 1;
            }

            return x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * A : 0.0;
        }

        private static double Lanczos(double x) => x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;

        private static double Sinc(double x)
        {
            if (x == 0.0)
            {
                return 1.0;
            }

            x *= Math.PI;
            return Math.Sin(x) / x;
        }
    }
}
