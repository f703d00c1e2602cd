using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Retrieval.Search.Vectors;

/// <summary>Dot products of a float32 query with stored rows of each precision, for the exact scan.</summary>
internal static class ClipVectorKernels
{
    /// <summary>
    /// The dot product of <paramref name="query"/> with a float16 row, widening 16 halves at a time in registers (no
    /// widened copy of the row is written). The widening is exact for every half: the exponent and mantissa bits are
    /// moved into a float and scaled by 2^112 (which also makes subnormal halves exact), infinities and NaNs keep their
    /// meaning; so the sum differs from a widen-then-dot only in the order it adds.
    /// </summary>
    public static float DotHalf(ReadOnlySpan<float> query, ReadOnlySpan<Half> row)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(row.Length, query.Length, nameof(row));
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && row.Length >= 32)
        {
            ref var q = ref MemoryMarshal.GetReference(query);
            ref var r = ref Unsafe.As<Half, ushort>(ref MemoryMarshal.GetReference(row));
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (; i <= row.Length - 32; i += 32)
            {
                var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
                acc0 += Widen(low) * Vector512.LoadUnsafe(ref q, (nuint)i);
                acc1 += Widen(high) * Vector512.LoadUnsafe(ref q, (nuint)(i + 16));
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && row.Length >= 16)
        {
            ref var q = ref MemoryMarshal.GetReference(query);
            ref var r = ref Unsafe.As<Half, ushort>(ref MemoryMarshal.GetReference(row));
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; i <= row.Length - 16; i += 16)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                acc0 += Widen(low) * Vector256.LoadUnsafe(ref q, (nuint)i);
                acc1 += Widen(high) * Vector256.LoadUnsafe(ref q, (nuint)(i + 8));
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < row.Length; i++)
        {
            sum += query[i] * (float)row[i];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(Vector512<uint> half)
    {
        var magnitude = (half & Vector512.Create(0x7FFFu)) << 13;
        var value = (magnitude.AsSingle() * Vector512.Create(0x77800000u).AsSingle()).AsUInt32();
        var special = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x0F800000u)) & Vector512.Create(0x7F800000u);
        return (value | special | ((half & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widen(Vector256<uint> half)
    {
        var magnitude = (half & Vector256.Create(0x7FFFu)) << 13;
        var value = (magnitude.AsSingle() * Vector256.Create(0x77800000u).AsSingle()).AsUInt32(); // * 2^112
        var special = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(0x0F800000u)) & Vector256.Create(0x7F800000u);
        return (value | special | ((half & Vector256.Create(0x8000u)) << 16)).AsSingle();
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
        if (Vector512.IsHardwareAccelerated && row.Length >= 64)
        {
            ref var q = ref MemoryMarshal.GetReference(query);
            ref var r = ref MemoryMarshal.GetReference(row);
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (; i <= row.Length - 64; i += 64)
            {
                var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
                var (a, b) = Vector512.Widen(low);
                var (c, d) = Vector512.Widen(high);
                acc0 += (Vector512.ConvertToSingle(a) * Vector512.LoadUnsafe(ref q, (nuint)i)) + (Vector512.ConvertToSingle(b) * Vector512.LoadUnsafe(ref q, (nuint)(i + 16)));
                acc1 += (Vector512.ConvertToSingle(c) * Vector512.LoadUnsafe(ref q, (nuint)(i + 32))) + (Vector512.ConvertToSingle(d) * Vector512.LoadUnsafe(ref q, (nuint)(i + 48)));
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && row.Length >= 32)
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
