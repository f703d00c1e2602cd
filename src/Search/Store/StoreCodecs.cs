using System.Buffers.Binary;
using Retrieval.Models.Geometry;

namespace Retrieval.Search.Store;

/// <summary>
/// Binary forms of quads and vectors inside the index (part of the frozen schema): a quad is 8
/// little-endian float32 (x, y of top-left, top-right, bottom-right, bottom-left); a vector is its
/// components in little-endian float32 or float16.
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
        if (precision == EmbeddingPrecision.Float16)
        {
            var half = new byte[vector.Length * 2];
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteHalfLittleEndian(half.AsSpan(i * 2), (Half)vector[i]);
            }

            return half;
        }

        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        }

        return bytes;
    }

    public static float[] DecodeVector(ReadOnlySpan<byte> bytes, int dimension, EmbeddingPrecision precision)
    {
        var width = precision == EmbeddingPrecision.Float16 ? 2 : 4;
        if (bytes.Length != dimension * width)
        {
            throw new InvalidDataException($"A stored vector has {bytes.Length} bytes, expected {dimension} x {width}.");
        }

        var vector = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            vector[i] = precision == EmbeddingPrecision.Float16
                ? (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..])
                : BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return vector;
    }

    /// <summary>Frame times are stored in ticks so keys round-trip exactly; files store -1.</summary>
    public static long FrameKey(TimeSpan? frameTime) => frameTime is { } t ? t.Ticks : -1;

    public static TimeSpan? FrameTime(long frameKey) => frameKey < 0 ? null : TimeSpan.FromTicks(frameKey);

    /// <summary>UTC ticks, so a file time compares equal after a round trip.</summary>
    public static long Time(DateTimeOffset time) => time.UtcTicks;

    public static DateTimeOffset Time(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
