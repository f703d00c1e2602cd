namespace Retrieval.Models.Text;

/// <summary>
/// The persisted binary form of a <see cref="ReadingLattice"/> (format version 1, frozen by a test):
/// <code>
/// byte    version (= 1)
/// varint  T (steps)
/// T x {
///   byte    blank   quantized probability of the blank
///   byte    n       entries at this step
///   n x { varint code point; byte quantized probability }
/// }
/// </code>
/// A probability p is stored as q = round(-ln(p) * 16) clamped to 0..255, read back as
/// exp(-q / 16): about 6% relative precision, down to 1.1e-7. A typical line of 40 steps takes
/// 150 to 500 bytes.
/// </summary>
public static class LatticeCodec
{
    public const byte Version = 1;
    private const float Resolution = 16f;

    private static readonly float[] Dequantized = BuildTable();

    public static byte Quantize(float probability)
    {
        if (probability <= 0f)
        {
            return 255;
        }

        var q = MathF.Round(-MathF.Log(probability) * Resolution);
        return (byte)Math.Clamp(q, 0f, 255f);
    }

    public static float Dequantize(byte q) => Dequantized[q];

    public static byte[] Encode(ReadingLattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        var buffer = new byte[1 + 5 + (lattice.Steps * 2) + (lattice.EntryCount * 5)];
        var pos = 0;
        buffer[pos++] = Version;
        WriteVarint(buffer, ref pos, (uint)lattice.Steps);
        for (var t = 0; t < lattice.Steps; t++)
        {
            buffer[pos++] = Quantize(lattice.BlankProbability(t));
            var symbols = lattice.SymbolsAt(t);
            var probs = lattice.ProbabilitiesAt(t);
            if (symbols.Length > 255)
            {
                throw new ArgumentException("At most 255 entries per step.", nameof(lattice));
            }

            buffer[pos++] = (byte)symbols.Length;
            for (var i = 0; i < symbols.Length; i++)
            {
                WriteVarint(buffer, ref pos, (uint)symbols[i]);
                buffer[pos++] = Quantize(probs[i]);
            }
        }

        return buffer.AsSpan(0, pos).ToArray();
    }

    public static ReadingLattice Decode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new InvalidDataException("Empty lattice data.");
        }

        if (data[0] != Version)
        {
            throw new InvalidDataException($"Lattice format version {data[0]} is not supported (this build reads version {Version}); re-index with 'retrieval index --rebuild'.");
        }

        var pos = 1;
        var steps = (int)ReadVarint(data, ref pos);
        if (steps > data.Length)
        {
            throw new InvalidDataException("Lattice step count exceeds its data.");
        }

        var blank = new float[steps];
        var stepStart = new int[steps + 1];
        var symbols = new List<int>(steps * 2);
        var probs = new List<float>(steps * 2);
        for (var t = 0; t < steps; t++)
        {
            if (pos + 2 > data.Length)
            {
                throw new InvalidDataException("Truncated lattice data.");
            }

            blank[t] = Dequantized[data[pos++]];
            int n = data[pos++];
            for (var i = 0; i < n; i++)
            {
                symbols.Add((int)ReadVarint(data, ref pos));
                if (pos >= data.Length)
                {
                    throw new InvalidDataException("Truncated lattice data.");
                }

                probs.Add(Dequantized[data[pos++]]);
            }

            stepStart[t + 1] = symbols.Count;
        }

        if (pos != data.Length)
        {
            throw new InvalidDataException("Trailing bytes after lattice data.");
        }

        return new ReadingLattice(blank, stepStart, [.. symbols], [.. probs]);
    }

    private static void WriteVarint(byte[] buffer, ref int pos, uint value)
    {
        while (value >= 0x80)
        {
            buffer[pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[pos++] = (byte)value;
    }

    private static uint ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("Truncated lattice data.");
            }

            var b = data[pos++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("Malformed varint in lattice data.");
    }

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (var q = 0; q < 256; q++)
        {
            table[q] = MathF.Exp(-q / Resolution);
        }

        table[255] = 0f;
        return table;
    }
}
