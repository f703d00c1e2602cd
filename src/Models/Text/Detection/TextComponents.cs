using System.Numerics;
using System.Runtime.Intrinsics;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// The 8-connected components of a probability map binarized at a threshold (optionally dilated
/// 2x2 as OpenCV does with anchor (1, 1): a pixel is set when it or its left, upper or upper-left
/// neighbour is above the threshold). Components are stored as horizontal runs, grouped per
/// component in raster order, components numbered in order of their first pixel.
/// </summary>
internal sealed class TextComponents
{
    private int[] runY = new int[256];
    private int[] runX0 = new int[256];
    private int[] runX1 = new int[256];
    private int[] parent = new int[256];

    private TextComponents()
    {
    }

    public int RunCount { get; private set; }

    public int Count { get; private set; }

    /// <summary>Run indices grouped by component: component c owns <c>Order[Start[c]..Start[c + 1]]</c>.</summary>
    public int[] Order { get; private set; } = [];

    public int[] Start { get; private set; } = [];

    public int Y(int run) => runY[run];

    public int X0(int run) => runX0[run];

    /// <summary>Last pixel of the run (inclusive).</summary>
    public int X1(int run) => runX1[run];

    public static TextComponents Find(ProbabilityMap map, float threshold, bool dilate, CancellationToken cancellationToken)
    {
        var components = new TextComponents();
        components.Label(map, threshold, dilate, cancellationToken);
        return components;
    }

    private void Label(ProbabilityMap map, float threshold, bool dilate, CancellationToken cancellationToken)
    {
        var width = map.Width;
        var words = (width + 63) / 64;
        var row = new ulong[words];
        var previous = new ulong[words];
        var column = new ulong[words];
        var previousStart = 0;
        for (var y = 0; y < map.Height; y++)
        {
            if ((y & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Threshold(map.Row(y), threshold, row);
            var bits = row;
            if (dilate)
            {
                // Vertical OR with the previous source row, then OR with the left neighbour (bit x - 1).
                ulong carry = 0;
                for (var w = 0; w < words; w++)
                {
                    var v = row[w] | previous[w];
                    column[w] = v | (v << 1) | carry;
                    carry = v >> 63;
                }

                column[words - 1] &= LastWordMask(width);
                (previous, row) = (row, previous);
                bits = column;
            }

            var rowStart = RunCount;
            AddRuns(y, bits, width);
            ConnectToPreviousRow(previousStart, rowStart, RunCount);
            previousStart = rowStart;
        }

        Group();
    }

    /// <summary>Sets bit x of <paramref name="bits"/> when <c>values[x] &gt; threshold</c>, 8 values per vector compare.</summary>
    private static void Threshold(ReadOnlySpan<float> values, float threshold, ulong[] bits)
    {
        Array.Clear(bits);
        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            for (; x + 8 <= values.Length; x += 8)
            {
                var mask = (ulong)Vector256.GreaterThan(Vector256.Create(values.Slice(x, 8)), t).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    // x is a multiple of 8, so the 8 bits never straddle two words.
                    bits[x >> 6] |= mask << (x & 63);
                }
            }
        }

        for (; x < values.Length; x++)
        {
            if (values[x] > threshold)
            {
                bits[x >> 6] |= 1UL << (x & 63);
            }
        }
    }

    private static ulong LastWordMask(int width) => (width & 63) == 0 ? ulong.MaxValue : (1UL << (width & 63)) - 1;

    /// <summary>Emits the runs of set bits of one row.</summary>
    private void AddRuns(int y, ulong[] bits, int width)
    {
        var x = 0;
        while (x < width)
        {
            var start = NextBit(bits, x, width, set: true);
            if (start >= width)
            {
                return;
            }

            var end = NextBit(bits, start, width, set: false);
            AddRun(y, start, end - 1);
            x = end;
        }
    }

    /// <summary>The first x at or after <paramref name="from"/> whose bit is <paramref name="set"/>, or <paramref name="width"/>.</summary>
    private static int NextBit(ulong[] bits, int from, int width, bool set)
    {
        var w = from >> 6;
        var word = (set ? bits[w] : ~bits[w]) & (ulong.MaxValue << (from & 63));
        while (word == 0)
        {
            if (++w >= bits.Length)
            {
                return width;
            }

            word = set ? bits[w] : ~bits[w];
        }

        return Math.Min(width, (w << 6) + BitOperations.TrailingZeroCount(word));
    }

    private void AddRun(int y, int x0, int x1)
    {
        if (RunCount == runY.Length)
        {
            var size = RunCount * 2;
            Array.Resize(ref runY, size);
            Array.Resize(ref runX0, size);
            Array.Resize(ref runX1, size);
            Array.Resize(ref parent, size);
        }

        runY[RunCount] = y;
        runX0[RunCount] = x0;
        runX1[RunCount] = x1;
        parent[RunCount] = RunCount;
        RunCount++;
    }

    /// <summary>Unites each run of the current row with the runs above it that touch it, diagonals included.</summary>
    private void ConnectToPreviousRow(int previousStart, int rowStart, int rowEnd)
    {
        var k = previousStart;
        for (var r = rowStart; r < rowEnd; r++)
        {
            while (k < rowStart && runX1[k] < runX0[r] - 1)
            {
                k++;
            }

            for (var j = k; j < rowStart && runX0[j] <= runX1[r] + 1; j++)
            {
                Union(r, j);
            }
        }
    }

    private int Root(int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    /// <summary>The smaller index becomes the root, so a root is its component's first run in raster order.</summary>
    private void Union(int a, int b)
    {
        a = Root(a);
        b = Root(b);
        if (a < b)
        {
            parent[b] = a;
        }
        else if (b < a)
        {
            parent[a] = b;
        }
    }

    /// <summary>Numbers components by first run and counting-sorts runs into <see cref="Order"/>, stable.</summary>
    private void Group()
    {
        var label = new int[RunCount];
        var count = 0;
        for (var r = 0; r < RunCount; r++)
        {
            var root = Root(r);
            label[r] = root == r ? count++ : label[root];
        }

        var start = new int[count + 1];
        for (var r = 0; r < RunCount; r++)
        {
            start[label[r] + 1]++;
        }

        for (var c = 0; c < count; c++)
        {
            start[c + 1] += start[c];
        }

        var next = (int[])start.Clone();
        var order = new int[RunCount];
        for (var r = 0; r < RunCount; r++)
        {
            order[next[label[r]]++] = r;
        }

        Count = count;
        Start = start;
        Order = order;
    }
}
