using System.Buffers.Binary;
using Retrieval.Models.Geometry;

namespace Retrieval.Search.Store;

/// <summary>
/// Binary forms of quads and vectors inside the index (part of the frozen schema): a quad is 8
/// little-endian float32 (x, y of top-left, top-right, bottom-right, bottom-left); a vector is its
/// components in little-endian float32 or float16, or a float32 scale followed by one signed byte a
/// component (<see cref="EmbeddingPrecision.Int8"/>).
/// </summary>
internal static class StoreCodecs
{
    public const int QuadBytes = 32;

    public static byte[] EncodeQuad(Quad quad)
    {
        var bytes = new byte[QuadBytes];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 8), quad[i].X);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((i * 8) + 4), quad[i].Y);
        }

        return bytes;
    }

    public static Quad DecodeQuad(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != QuadBytes)
        {
            throw new InvalidDataException($"A stored quad has {bytes.Length} bytes, expected {QuadBytes}.");
        }

        Span<float> v = stackalloc float[8];
        for (var i = 0; i < 8; i++)
        {
            v[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return new Quad(new PointF(v[0], v[1]), new PointF(v[2], v[3]), new PointF(v[4], v[5]), new PointF(v[6], v[7]));
    }

    public static byte[] EncodeVector(ReadOnlySpan<float> vector, EmbeddingPrecision precision)
    {
        switch (precision)
        {
            case EmbeddingPrecision.Float16:
                var half = new byte[vector.Length * 2];
                for (var i = 0; i < vector.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(half.AsSpan(i * 2), (Half)vector[i]);
                }

                return half;
            case EmbeddingPrecision.Int8:
                return EncodeInt8(vector);
            default:
                var bytes = new byte[vector.Length * 4];
                for (var i = 0; i < vector.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
                }

                return bytes;
        }
    }

    public static float[] DecodeVector(ReadOnlySpan<byte> bytes, int dimension, EmbeddingPrecision precision)
    {
        var expected = VectorBytes(dimension, precision);
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"A stored {precision} vector of {dimension} components has {bytes.Length} bytes, expected {expected}.");
        }

        var vector = new float[dimension];
        switch (precision)
        {
            case EmbeddingPrecision.Float16:
                for (var i = 0; i < dimension; i++)
                {
                    vector[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }

                break;
            case EmbeddingPrecision.Int8:
                var scale = BinaryPrimitives.ReadSingleLittleEndian(bytes);
                for (var i = 0; i < dimension; i++)
                {
                    vector[i] = (sbyte)bytes[4 + i] * scale;
                }

                break;
            default:
                for (var i = 0; i < dimension; i++)
                {
                    vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                }

                break;
        }

        return vector;
    }

    /// <summary>Bytes one stored vector of <paramref name="dimension"/> components takes.</summary>
    public static int VectorBytes(int dimension, EmbeddingPrecision precision) => precision switch
    {
        EmbeddingPrecision.Float16 => dimension * 2,
        EmbeddingPrecision.Int8 => 4 + dimension,
        _ => dimension * 4,
    };

    /// <summary>Symmetric int8 with one scale per vector: the largest component maps to ±127, rounding to nearest.</summary>
    private static byte[] EncodeInt8(ReadOnlySpan<float> vector)
    {
        var max = 0f;
        foreach (var v in vector)
        {
            max = MathF.Max(max, MathF.Abs(v));
        }

        var scale = max > 0 && float.IsFinite(max) ? max / 127f : 1f;
        var bytes = new byte[4 + vector.Length];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, scale);
        for (var i = 0; i < vector.Length; i++)
        {
            bytes[4 + i] = (byte)(sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127f, 127f);
        }

        return bytes;
    }

    /// <summary>Frame times are stored in ticks so keys round-trip exactly; files store -1.</summary>
    public static long FrameKey(TimeSpan? frameTime) => frameTime is { } t ? t.Ticks : -1;

    public static TimeSpan? FrameTime(long frameKey) => frameKey < 0 ? null : TimeSpan.FromTicks(frameKey);

    /// <summary>UTC ticks, so a file time compares equal after a round trip.</summary>
    public static long Time(DateTimeOffset time) => time.UtcTicks;

    public static DateTimeOffset Time(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
