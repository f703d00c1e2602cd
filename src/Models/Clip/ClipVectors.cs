using System.Numerics.Tensors;

namespace Retrieval.Models.Clip;

/// <summary>Vector arithmetic on CLIP embeddings (unit vectors; the cosine of two is their dot product).</summary>
public static class ClipVectors
{
    /// <summary>Writes <paramref name="source"/> scaled to unit length; a zero vector stays zero.</summary>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination)
    {
        var norm = TensorPrimitives.Norm(source);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(source, norm, destination);
        }
        else
        {
            source.CopyTo(destination);
        }
    }

    public static void Normalize(Span<float> vector) => Normalize(vector, vector);

    /// <summary>The cosine similarity (plain dot product for unit vectors).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);

    /// <summary>The cosine similarity of two vectors of any length.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);
}
