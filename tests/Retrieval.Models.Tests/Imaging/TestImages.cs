using System.Buffers.Binary;
using System.IO.Compression;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

/// <summary>Synthetic pixels and pixel comparisons for the imaging tests.</summary>
internal static class TestImages
{
    public static readonly RgbColor TopLeft = new(220, 40, 40);
    public static readonly RgbColor TopRight = new(40, 180, 60);
    public static readonly RgbColor BottomLeft = new(40, 70, 220);
    public static readonly RgbColor BottomRight = new(240, 220, 60);

    /// <summary>Four flat quadrants of distinct colours: every one of the 8 EXIF orientations gives a different picture.</summary>
    public static RgbImage Quadrants(int width, int height) => Quadrants(width, height, TopLeft, TopRight, BottomLeft, BottomRight);

    public static RgbImage Quadrants(int width, int height, RgbColor topLeft, RgbColor topRight, RgbColor bottomLeft, RgbColor bottomRight)
    {
        var image = new RgbImage(width, height, new byte[width * height * 3]);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var c = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => topLeft,
                    (false, true) => topRight,
                    (true, false) => bottomLeft,
                    _ => bottomRight,
                };
                Set(image, x, y, c);
            }
        }

        return image;
    }

    /// <summary>Seeded noise: compresses badly, so a file of it has plenty of entropy-coded data to cut.</summary>
    public static RgbImage Noise(int width, int height, int seed = 7)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    public static RgbColor At(RgbImage image, int x, int y)
    {
        var i = ((y * image.Width) + x) * 3;
        return new RgbColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    public static void Set(RgbImage image, int x, int y, RgbColor c)
    {
        var i = ((y * image.Width) + x) * 3;
        image.Pixels[i] = c.R;
        image.Pixels[i + 1] = c.G;
        image.Pixels[i + 2] = c.B;
    }

    public static int Distance(RgbColor a, RgbColor b) =>
        Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));

    /// <summary>Mean absolute difference per channel sample; the images must have the same size.</summary>
    public static double MeanAbsoluteDifference(RgbImage a, RgbImage b)
    {
        a.Width.Should().Be(b.Width);
        a.Height.Should().Be(b.Height);
        long sum = 0;
        for (var i = 0; i < a.Width * a.Height * 3; i++)
        {
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        }

        return (double)sum / (a.Width * a.Height * 3);
    }

    /// <summary>
    /// Reference EXIF orientation, written from the specification rather than with libvips: the
    /// upright picture for stored pixels tagged <paramref name="orientation"/>.
    /// </summary>
    public static RgbImage Orient(RgbImage stored, int orientation)
    {
        var (w, h) = (stored.Width, stored.Height);
        var swap = orientation >= 5;
        var (ow, oh) = swap ? (h, w) : (w, h);
        var result = new RgbImage(ow, oh, new byte[ow * oh * 3]);
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var (sx, sy) = orientation switch
                {
                    1 => (x, y),
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    8 => (w - 1 - y, x),
                    _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
                };
                Set(result, x, y, At(stored, sx, sy));
            }
        }

        return result;
    }

    /// <summary>
    /// A valid PNG of one colour, <paramref name="size"/> x <paramref name="size"/>, 1 bit per pixel:
    /// 30000 x 30000 is 900 megapixels in about a hundred kilobytes, a decompression bomb.
    /// </summary>
    public static byte[] OneColourPngBomb(int size)
    {
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + ((size + 7) / 8)];
            for (var y = 0; y < size; y++)
            {
                z.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, size);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), size);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", idat.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 2x2 24-bit BMP: a real format the bundled libvips has no loader for.</summary>
    public static byte[] TinyBmp()
    {
        const int RowBytes = 8; // 2 pixels * 3 bytes, padded to 4
        var bytes = new byte[54 + (RowBytes * 2)];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), 2);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        return bytes;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeBytes, data));
        stream.Write(word);
    }

    private static uint Crc32(byte[] type, byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in type.Concat(data))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
