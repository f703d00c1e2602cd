using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Retrieval.Search.Vectors;

/// <summary>Dot products of a float32 query with stored rows of each precision, for the exact scan.</summary>
internal static class ClipVectorKernels
{
    /// <summary>The dot product of <paramref name="query"/> with a float16 row, widened in <paramref name="scratch"/> (the query's length).</summary>
    public static float DotHalf(ReadOnlySpan<float> query, ReadOnlySpan<Half> row, Span<float> scratch)
    {
        TensorPrimitives.ConvertToSingle(row, scratch);
        return TensorPrimitives.Dot(query, scratch);
    }

    /// <summary>
    /// The dot product of <paramref name="query"/> with an int8 row (before its scale): bytes are widened to floats
    /// 32 at a time in registers, so no widened copy of the row is written.
    /// </summary>
    public static float DotInt8(ReadOnlySpan<float> query, ReadOnlySpan<sbyte> row)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(row.Length, query.Length, nameof(row));
        var i = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated && row.Length >= 32)
        {
            ref var q = ref MemoryMarshal.GetReference(query);
            ref var r = ref MemoryMarshal.GetReference(row);
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            var acc2 = Vector256<float>.Zero;
            var acc3 = Vector256<float>.Zero;
            for (; i <= row.Length - 32; i += 32)
            {
                var bytes = Vector256.LoadUnsafe(ref r, (nuint)i);
                var (low, high) = Vector256.Widen(bytes);
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                acc0 += Vector256.ConvertToSingle(a) * Vector256.LoadUnsafe(ref q, (nuint)i);
                acc1 += Vector256.ConvertToSingle(b) * Vector256.LoadUnsafe(ref q, (nuint)(i + 8));
                acc2 += Vector256.ConvertToSingle(c) * Vector256.LoadUnsafe(ref q, (nuint)(i + 16));
                acc3 += Vector256.ConvertToSingle(d) * Vector256.LoadUnsafe(ref q, (nuint)(i + 24));
            }

            sum = Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        for (; i < row.Length; i++)
        {
            sum += query[i] * row[i];
        }

        return sum;
    }

    /// <summary>Keeps <paramref name="similarity"/> as the image's best when it beats it (NaN never does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Keep(int image, int row, float similarity, Span<float> best, Span<int> bestRow)
    {
        if (similarity > best[image])
        {
            best[image] = similarity;
            bestRow[image] = row;
        }
    }
}
