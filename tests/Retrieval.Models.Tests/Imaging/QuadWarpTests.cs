using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class QuadWarpTests
{
    [Fact]
    public void The_homography_sends_the_rectangle_corners_to_the_quad_corners()
    {
        var quad = new Quad(new PointF(12, 30), new PointF(200, 10), new PointF(230, 90), new PointF(5, 70));

        var map = Homography.RectangleToQuad(160, 48, quad);

        Near(map.Map(0, 0), quad.TopLeft);
        Near(map.Map(160, 0), quad.TopRight);
        Near(map.Map(160, 48), quad.BottomRight);
        Near(map.Map(0, 48), quad.BottomLeft);
    }

    [Fact]
    public void An_axis_aligned_quad_at_its_own_size_crops_the_pixels_unchanged()
    {
        var image = Gradient(64, 40);
        var quad = new Quad(new PointF(10, 5), new PointF(42, 5), new PointF(42, 29), new PointF(10, 29));

        var crop = QuadWarp.Warp(image, quad, 32, 24);

        for (var y = 0; y < 24; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    crop.Pixels[(((y * 32) + x) * 3) + c].Should().Be(image.Pixels[((((y + 5) * 64) + x + 10) * 3) + c]);
                }
            }
        }
    }

    [Fact]
    public void Relabelled_corners_turn_the_crop()
    {
        var image = Gradient(64, 40);
        var quad = new Quad(new PointF(10, 5), new PointF(42, 5), new PointF(42, 29), new PointF(10, 29));
        var upright = QuadWarp.Warp(image, quad, 32, 24);

        var turned = QuadWarp.Warp(image, new Quad(quad.BottomRight, quad.BottomLeft, quad.TopLeft, quad.TopRight), 32, 24);

        turned.Pixels[0].Should().Be(upright.Pixels[^3]);
        turned.Pixels[^3].Should().Be(upright.Pixels[0]);
    }

    [Fact]
    public void The_normalized_warp_writes_bgr_planes_scaled_to_minus_one_one_and_nothing_else()
    {
        var image = Gradient(64, 40);
        var quad = new Quad(new PointF(3, 2), new PointF(50, 8), new PointF(48, 35), new PointF(1, 30));
        var crop = QuadWarp.Warp(image, quad, 24, 16);
        const int rowStride = 40, planeStride = 16 * 40;
        var tensor = new float[3 * planeStride];
        Array.Fill(tensor, 7f);

        QuadWarp.WarpNormalized(image, quad, 24, 16, tensor, rowStride, planeStride);

        for (var y = 0; y < 16; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var value = tensor[(c * planeStride) + (y * rowStride) + x];
                    if (x >= 24)
                    {
                        value.Should().Be(7f);
                        continue;
                    }

                    var rgb = crop.Pixels[(((y * 24) + x) * 3) + (2 - c)];
                    value.Should().BeApproximately((rgb / 127.5f) - 1f, 1.01f / 127.5f);
                }
            }
        }
    }

    [Fact]
    public void Shrinking_averages_fine_stripes_instead_of_aliasing_them()
    {
        // One-pixel black/white columns shrunk 4x should come out mid-grey, not black or white.
        var image = RgbImage.Filled(200, 48, 255, 255, 255);
        for (var y = 0; y < 48; y++)
        {
            for (var x = 0; x < 200; x += 2)
            {
                var i = ((y * 200) + x) * 3;
                image.Pixels[i] = image.Pixels[i + 1] = image.Pixels[i + 2] = 0;
            }
        }

        var crop = QuadWarp.Warp(image, new Quad(new PointF(0, 0), new PointF(200, 0), new PointF(200, 48), new PointF(0, 48)), 50, 12);

        crop.Pixels.Should().OnlyContain(v => v > 100 && v < 155);
    }

    private static RgbImage Gradient(int width, int height)
    {
        var image = RgbImage.Filled(width, height, 0, 0, 0);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                image.Pixels[i] = (byte)(x * 3);
                image.Pixels[i + 1] = (byte)(y * 5);
                image.Pixels[i + 2] = (byte)((x + y) * 2);
            }
        }

        return image;
    }

    private static void Near(PointF actual, PointF expected)
    {
        actual.X.Should().BeApproximately(expected.X, 1e-3f);
        actual.Y.Should().BeApproximately(expected.Y, 1e-3f);
    }
}
