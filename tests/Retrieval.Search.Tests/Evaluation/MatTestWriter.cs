using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Retrieval.Search.Tests.Evaluation;

/// <summary>A value for <see cref="MatTestWriter"/>: the few MATLAB shapes the tests need.</summary>
internal abstract record MatTestValue;

internal sealed record MatTestChar(string Text) : MatTestValue;

internal sealed record MatTestDouble(int Rows, int Columns, double[] Values) : MatTestValue;

internal sealed record MatTestCell(int Rows, int Columns, MatTestValue[] Cells) : MatTestValue;

internal sealed record MatTestStruct(string[] FieldNames, MatTestValue[][] Elements) : MatTestValue;

/// <summary>
/// Writes MAT v5 files the way MATLAB itself does, to test the reader on what SciPy's writer does not
/// produce: chars as UTF-16 code units (miUINT16), big-endian files, and "small data elements" for every
/// sub-element of 4 bytes or fewer. Optionally each variable is zlib-compressed (miCOMPRESSED, MAT v7).
/// Written for the tests from the MathWorks "MAT-File Format" document; not a general writer.
/// </summary>
internal static class MatTestWriter
{
    private const int MiInt8 = 1;
    private const int MiUInt16 = 4;
    private const int MiInt32 = 5;
    private const int MiUInt32 = 6;
    private const int MiDouble = 9;
    private const int MiMatrix = 14;
    private const int MiCompressed = 15;

    public static byte[] Write(IReadOnlyList<(string Name, MatTestValue Value)> variables, bool bigEndian = false, bool compress = false, ushort version = 0x0100)
    {
        using var output = new MemoryStream();
        var header = new byte[128];
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written by the Retrieval tests".PadRight(116)).CopyTo(header, 0);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(124), version);
            "MI"u8.CopyTo(header.AsSpan(126));
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), version);
            "IM"u8.CopyTo(header.AsSpan(126));
        }

        output.Write(header);
        foreach (var (name, value) in variables)
        {
            var matrix = Matrix(name, value, bigEndian);
            if (compress)
            {
                using var compressed = new MemoryStream();
                using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                {
                    zlib.Write(matrix);
                }

                output.Write(Tag(MiCompressed, (int)compressed.Length, bigEndian));
                output.Write(compressed.ToArray());
            }
            else
            {
                output.Write(matrix);
            }
        }

        return output.ToArray();
    }

    private static byte[] Matrix(string name, MatTestValue value, bool be)
    {
        using var body = new MemoryStream();
        var (matClass, rows, columns) = value switch
        {
            MatTestChar c => (4, 1, c.Text.Length),
            MatTestDouble d => (6, d.Rows, d.Columns),
            MatTestCell c => (1, c.Rows, c.Columns),
            MatTestStruct s => (2, 1, s.Elements.Length),
            _ => throw new ArgumentOutOfRangeException(nameof(value)),
        };
        body.Write(Element(MiUInt32, [.. UInt32((uint)matClass, be), .. UInt32(0, be)], be));
        body.Write(Element(MiInt32, [.. UInt32((uint)rows, be), .. UInt32((uint)columns, be)], be));
        body.Write(Element(MiInt8, Encoding.ASCII.GetBytes(name), be));
        switch (value)
        {
            case MatTestChar c:
                body.Write(Element(MiUInt16, (be ? Encoding.BigEndianUnicode : Encoding.Unicode).GetBytes(c.Text), be));
                break;
            case MatTestDouble d:
                body.Write(Element(MiDouble, d.Values.SelectMany(v => UInt64((ulong)BitConverter.DoubleToInt64Bits(v), be)).ToArray(), be));
                break;
            case MatTestCell c:
                foreach (var cell in c.Cells)
                {
                    body.Write(Matrix(string.Empty, cell, be));
                }

                break;
            case MatTestStruct s:
                const int fieldNameLength = 32;
                body.Write(Element(MiInt32, UInt32(fieldNameLength, be), be));
                var names = new byte[fieldNameLength * s.FieldNames.Length];
                for (var i = 0; i < s.FieldNames.Length; i++)
                {
                    Encoding.ASCII.GetBytes(s.FieldNames[i]).CopyTo(names, i * fieldNameLength);
                }

                body.Write(Element(MiInt8, names, be));
                foreach (var element in s.Elements)
                {
                    foreach (var field in element)
                    {
                        body.Write(Matrix(string.Empty, field, be));
                    }
                }

                break;
        }

        return [.. Tag(MiMatrix, (int)body.Length, be), .. body.ToArray()];
    }

    /// <summary>A data element: the small form for 1..4 bytes, else a tag and the data padded to 8 bytes.</summary>
    private static byte[] Element(int type, byte[] data, bool be)
    {
        if (data.Length is > 0 and <= 4)
        {
            var small = new byte[8];
            var packed = ((uint)data.Length << 16) | (uint)type;
            if (be)
            {
                BinaryPrimitives.WriteUInt32BigEndian(small, packed);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(small, packed);
            }

            data.CopyTo(small, 4);
            return small;
        }

        var padded = new byte[(data.Length + 7) & ~7];
        data.CopyTo(padded, 0);
        return [.. Tag(type, data.Length, be), .. padded];
    }

    private static byte[] Tag(int type, int count, bool be) => [.. UInt32((uint)type, be), .. UInt32((uint)count, be)];

    private static byte[] UInt32(uint value, bool be)
    {
        var bytes = new byte[4];
        if (be)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }

        return bytes;
    }

    private static byte[] UInt64(ulong value, bool be)
    {
        var bytes = new byte[8];
        if (be)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        }

        return bytes;
    }
}
