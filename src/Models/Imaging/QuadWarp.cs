using Retrieval.Models.Geometry;

namespace Retrieval.Models.Imaging;

/// <summary>
/// Perspective crops of a <see cref="Quad"/> out of an <see cref="RgbImage"/>, the way a text line is
/// cut out for recognition: the quad's top-left lands at the crop's top-left and its top edge runs
/// along the crop's rows. Sampling is bilinear at pixel centres with edge pixels replicated outside
/// the image; when the crop is much smaller than the quad, each output pixel instead averages a grid
/// of up to 4 x 4 pixels over its footprint so that thin strokes are not lost to aliasing.
/// </summary>
public static class QuadWarp
{
    private const int MaxSamplesPerAxis = 4;

    /// <summary>The width that keeps <paramref name="quad"/>'s aspect ratio at <paramref name="height"/> (unrounded).</summary>
    public static float AspectWidth(Quad quad, int height) => quad.Height <= 0f ? 0f : quad.Width / quad.Height * height;

    /// <summary>Crops <paramref name="quad"/> into a new <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static RgbImage Warp(RgbImage image, Quad quad, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixels = new byte[width * height * 3];
        Sample(image, quad, width, height, new RgbSink(pixels, width));
        return new RgbImage(width, height, pixels);
    }

    /// <summary>
    /// Crops <paramref name="quad"/> straight into a model input: three planes in B, G, R order (the
    /// order PaddleOCR's OpenCV pipeline feeds its models), each value <c>v / 127.5 - 1</c> (that is
    /// <c>(v / 255 - 0.5) / 0.5</c>). Pixel (x, y) of plane c goes to
    /// <c>destination[c * planeStride + y * rowStride + x]</c>; nothing else is written.
    /// </summary>
    public static void WarpNormalized(RgbImage image, Quad quad, int width, int height, Span<float> destination, int rowStride, int planeStride)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rowStride < width || planeStride < rowStride * height || destination.Length < (2 * planeStride) + ((height - 1) * rowStride) + width)
        {
            throw new ArgumentException($"A {width}x{height} crop does not fit a destination of {destination.Length} floats with row stride {rowStride} and plane stride {planeStride}.", nameof(destination));
        }

        unsafe
        {
            fixed (float* d = destination)
            {
                Sample(image, quad, width, height, new NormalizedBgrSink(d, rowStride, planeStride));
            }
        }
    }

    private static void Sample<TSink>(RgbImage image, Quad quad, int width, int height, TSink sink)
        where TSink : IPixelSink
    {
        var map = Homography.RectangleToQuad(width, height, quad);
        var nx = SamplesPerAxis(quad.Width / width);
        var ny = SamplesPerAxis(quad.Height / height);
        if (nx == 1 && ny == 1)
        {
            SampleBilinear(image, map, width, height, sink);
        }
        else
        {
            SampleBox(image, map, width, height, nx, ny, sink);
        }
    }

    /// <summary>One bilinear sample per output pixel: the crop is about the quad's size or larger.</summary>
    private static void SampleBilinear<TSink>(RgbImage image, Homography map, int width, int height, TSink sink)
        where TSink : IPixelSink
    {
        var src = image.Pixels;
        int srcW = image.Width, srcH = image.Height, stride = image.Stride;
        float maxX = srcW - 1, maxY = srcH - 1;
        for (var y = 0; y < height; y++)
        {
            var v = y + 0.5;
            for (var x = 0; x < width; x++)
            {
                var u = x + 0.5;
                var w = (map.G * u) + (map.H * v) + 1.0;
                var sx = Math.Clamp((float)((((map.A * u) + (map.B * v) + map.C) / w) - 0.5), 0f, maxX);
                var sy = Math.Clamp((float)((((map.D * u) + (map.E * v) + map.F) / w) - 0.5), 0f, maxY);
                var x0 = (int)sx;
                var y0 = (int)sy;
                var fx = sx - x0;
                var fy = sy - y0;
                var dx = x0 < srcW - 1 ? 3 : 0;
                var dy = y0 < srcH - 1 ? stride : 0;
                var p = (y0 * stride) + (x0 * 3);
                float w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
                sink.Write(
                    x,
                    y,
                    (src[p] * w00) + (src[p + dx] * w10) + (src[p + dy] * w01) + (src[p + dx + dy] * w11),
                    (src[p + 1] * w00) + (src[p + dx + 1] * w10) + (src[p + dy + 1] * w01) + (src[p + dx + dy + 1] * w11),
                    (src[p + 2] * w00) + (src[p + dx + 2] * w10) + (src[p + dy + 2] * w01) + (src[p + dx + dy + 2] * w11));
            }
        }
    }

    /// <summary>
    /// Shrinking: each output pixel averages an <paramref name="nx"/> x <paramref name="ny"/> grid of
    /// nearest-pixel samples spread over its footprint, close to an area average at a fraction of
    /// the cost of bilinear samples.
    /// </summary>
    private static void SampleBox<TSink>(RgbImage image, Homography map, int width, int height, int nx, int ny, TSink sink)
        where TSink : IPixelSink
    {
        var src = image.Pixels;
        int stride = image.Stride, maxX = image.Width - 1, maxY = image.Height - 1;
        var weight = 1f / (nx * ny);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                int r = 0, g = 0, b = 0;
                for (var j = 0; j < ny; j++)
                {
                    var v = y + ((j + 0.5) / ny);
                    for (var i = 0; i < nx; i++)
                    {
                        var u = x + ((i + 0.5) / nx);
                        var w = (map.G * u) + (map.H * v) + 1.0;
                        var sx = Math.Clamp((int)(((map.A * u) + (map.B * v) + map.C) / w), 0, maxX);
                        var sy = Math.Clamp((int)(((map.D * u) + (map.E * v) + map.F) / w), 0, maxY);
                        var p = (sy * stride) + (sx * 3);
                        r += src[p];
                        g += src[p + 1];
                        b += src[p + 2];
                    }
                }

                sink.Write(x, y, r * weight, g * weight, b * weight);
            }
        }
    }

    private static int SamplesPerAxis(float scale) => Math.Clamp((int)MathF.Ceiling(scale - 0.25f), 1, MaxSamplesPerAxis);

    private interface IPixelSink
    {
        void Write(int x, int y, float r, float g, float b);
    }

    private readonly struct RgbSink(byte[] pixels, int width) : IPixelSink
    {
        public void Write(int x, int y, float r, float g, float b)
        {
            var i = ((y * width) + x) * 3;
            pixels[i] = (byte)Math.Clamp(r + 0.5f, 0f, 255f);
            pixels[i + 1] = (byte)Math.Clamp(g + 0.5f, 0f, 255f);
            pixels[i + 2] = (byte)Math.Clamp(b + 0.5f, 0f, 255f);
        }
    }

    private readonly unsafe struct NormalizedBgrSink(float* destination, int rowStride, int planeStride) : IPixelSink
    {
        private const float Scale = 1f / 127.5f;

        public void Write(int x, int y, float r, float g, float b)
        {
            var i = (y * rowStride) + x;
            destination[i] = (b * Scale) - 1f;
            destination[planeStride + i] = (g * Scale) - 1f;
            destination[(2 * planeStride) + i] = (r * Scale) - 1f;
        }
    }
}
