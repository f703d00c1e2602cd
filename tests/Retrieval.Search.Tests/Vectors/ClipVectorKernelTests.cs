using System.Numerics.Tensors;
using Retrieval.Search.Vectors;

namespace Retrieval.Search.Tests.Vectors;

public sealed class ClipVectorKernelTests
{
    [Fact]
    public void Every_half_is_widened_exactly_inside_the_dot_product()
    {
        const int Width = 64;
        var query = new float[Width];
        var row = new Half[Width];
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var lane = bits % Width;
            Array.Clear(row);
            Array.Clear(query);
            row[lane] = BitConverter.UInt16BitsToHalf((ushort)bits);
            query[lane] = 1f;

            var dot = ClipVectorKernels.DotHalf(query, row);

            var expected = (float)row[lane];
            if (float.IsNaN(expected))
            {
                float.IsNaN(dot).Should().BeTrue($"half bits {bits:X4} are NaN");
            }
            else
            {
                dot.Should().Be(expected, $"half bits {bits:X4}");
            }
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(48)]
    [InlineData(7)]
    public void The_half_and_int8_dot_products_agree_with_widening_first(int width)
    {
        var random = new Random(width);
        var query = Enumerable.Range(0, width).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var halves = query.Select(v => (Half)(v * 0.7f)).ToArray();
        var bytes = Enumerable.Range(0, width).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var widened = new float[width];
        TensorPrimitives.ConvertToSingle(halves, widened);

        ClipVectorKernels.DotHalf(query, halves).Should().BeApproximately(TensorPrimitives.Dot(query, widened), 1e-4f);
        ClipVectorKernels.DotInt8(query, bytes).Should().BeApproximately(query.Select((q, i) => q * bytes[i]).Sum(), 1e-2f);
    }
}
