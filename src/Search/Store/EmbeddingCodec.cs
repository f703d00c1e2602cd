namespace Retrieval.Search.Store;

/// <summary>The stored form of an embedding vector at each <see cref="EmbeddingPrecision"/> (see <see cref="StoreCodecs"/>), for tools that measure what a precision costs.</summary>
public static class EmbeddingCodec
{
    public static byte[] Encode(ReadOnlySpan<float> vector, EmbeddingPrecision precision) => StoreCodecs.EncodeVector(vector, precision);

    public static float[] Decode(ReadOnlySpan<byte> bytes, int dimension, EmbeddingPrecision precision) => StoreCodecs.DecodeVector(bytes, dimension, precision);

    /// <summary>What the vector reads back as after being stored at <paramref name="precision"/>.</summary>
    public static float[] RoundTrip(ReadOnlySpan<float> vector, EmbeddingPrecision precision) => Decode(Encode(vector, precision), vector.Length, precision);

    /// <summary>Bytes one stored vector of <paramref name="dimension"/> components takes.</summary>
    public static int Bytes(int dimension, EmbeddingPrecision precision) => StoreCodecs.VectorBytes(dimension, precision);
}
