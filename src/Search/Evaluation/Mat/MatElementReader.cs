using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Retrieval.Search.Evaluation.Mat;

/// <summary>
/// Reads the tagged data elements of a MAT v5 byte range. A tag is (type, byte count) as two uint32, or,
/// in the "small data element" form, both packed in the first uint32 (count in the upper 16 bits) with
/// up to 4 data bytes in the second. Elements are padded to 8 bytes, except compressed ones, whose
/// zlib stream holds one complete element.
/// </summary>
internal sealed class MatElementReader
{
    private const int MiInt8 = 1;
    private const int MiUInt8 = 2;
    private const int MiInt16 = 3;
    private const int MiUInt16 = 4;
    private const int MiInt32 = 5;
    private const int MiUInt32 = 6;
    private const int MiSingle = 7;
    private const int MiDouble = 9;
    private const int MiInt64 = 12;
    private const int MiUInt64 = 13;
    private const int MiMatrix = 14;
    private const int MiCompressed = 15;
    private const int MiUtf8 = 16;
    private const int MiUtf16 = 17;
    private const int MiUtf32 = 18;

    /// <summary>Bound on a decompressed variable, so a corrupt or hostile file cannot exhaust memory.</summary>
    private const int MaxDecompressedBytes = 1 << 30;

    private readonly byte[] _data;
    private readonly int _end;
    private readonly bool _bigEndian;
    private readonly string _source;
    private int _position;

    public MatElementReader(byte[] data, int start, int end, bool bigEndian, string source)
    {
        _data = data;
        _position = start;
        _end = end;
        _bigEndian = bigEndian;
        _source = source;
    }

    public IEnumerable<MatArray> ReadTopLevel()
    {
        while (_end - _position >= 8)
        {
            var (type, data) = ReadElement();
            switch (type)
            {
                case MiMatrix:
                    yield return ReadMatrix(data, topLevel: true);
                    break;
                case MiCompressed:
                    var inflated = Inflate(data);
                    foreach (var array in new MatElementReader(inflated, 0, inflated.Length, _bigEndian, _source).ReadTopLevel())
                    {
                        yield return array;
                    }

                    break;
                default:
                    throw Error($"a top-level element of type {type}; expected a matrix (14) or compressed (15) element.");
            }
        }
    }

    private (int Type, ArraySegment<byte> Data) ReadElement()
    {
        if (_end - _position < 8)
        {
            throw Error($"truncated: an element tag at byte {_position} runs past the end.");
        }

        var first = ReadUInt32(_position);
        if (first >> 16 != 0)
        {
            var smallType = (int)(first & 0xFFFF);
            var smallCount = (int)(first >> 16);
            if (smallCount > 4)
            {
                throw Error($"a small data element at byte {_position} claims {smallCount} bytes (at most 4).");
            }

            var small = new ArraySegment<byte>(_data, _position + 4, smallCount);
            _position += 8;
            return (smallType, small);
        }

        var type = (int)first;
        var count = ReadUInt32(_position + 4);
        var start = _position + 8;
        if (count > (uint)(_end - start))
        {
            throw Error($"truncated: an element of type {type} at byte {_position} claims {count} bytes, {_end - start} remain.");
        }

        var data = new ArraySegment<byte>(_data, start, (int)count);
        var next = (long)start + count;
        if (type != MiCompressed)
        {
            next = (next + 7) & ~7L;
        }

        _position = (int)Math.Min(next, _end);
        return (type, data);
    }

    private MatArray ReadMatrix(ArraySegment<byte> content, bool topLevel)
    {
        if (content.Count == 0)
        {
            // MATLAB writes an empty matrix ([] in a cell) as a matrix element with no content.
            return new MatNumericArray(string.Empty, [0, 0], MatClass.Double, false, []);
        }

        var reader = new MatElementReader(_data, content.Offset, content.Offset + content.Count, _bigEndian, _source);
        var (flagsType, flags) = reader.ReadElement();
        if (flagsType != MiUInt32 || flags.Count != 8)
        {
            throw Error("a matrix without its array-flags sub-element.");
        }

        var flagWord = reader.ReadUInt32(flags.Offset);
        var matClass = (int)(flagWord & 0xFF);
        var isComplex = (flagWord & 0x0800) != 0;
        var isLogical = (flagWord & 0x0200) != 0;
        var (dimensionsType, dimensionsData) = reader.ReadElement();
        if (dimensionsType != MiInt32 || dimensionsData.Count < 8 || dimensionsData.Count % 4 != 0)
        {
            throw Error("a matrix without its dimensions sub-element (int32, at least two values).");
        }

        var dimensions = new int[dimensionsData.Count / 4];
        long count = 1;
        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = (int)reader.ReadUInt32(dimensionsData.Offset + (4 * i));
            if (dimensions[i] < 0)
            {
                throw Error($"a negative dimension {dimensions[i]}.");
            }

            count = Math.Min(count * dimensions[i], int.MaxValue + 1L);
        }

        // Every element takes at least one byte (a nested array at least an 8-byte tag), which bounds
        // allocations by the file's size.
        if (count > content.Count)
        {
            throw Error($"dimensions {string.Join('x', dimensions)} do not fit in {content.Count} bytes.");
        }

        var (nameType, nameData) = reader.ReadElement();
        if (nameType != MiInt8)
        {
            throw Error("a matrix without its array-name sub-element.");
        }

        var name = Encoding.ASCII.GetString(nameData);
        if (topLevel && name.Length == 0)
        {
            throw Error("a top-level variable without a name.");
        }

        return (MatClass)matClass switch
        {
            MatClass.Cell => new MatCellArray(name, dimensions, Enumerable.Range(0, (int)count).Select(_ => reader.ReadNestedMatrix()).ToList()),
            MatClass.Struct => reader.ReadStruct(name, dimensions, (int)count),
            MatClass.Char => reader.ReadChar(name, dimensions, (int)count, isComplex),
            >= MatClass.Double and <= MatClass.UInt64 => reader.ReadNumeric(name, dimensions, (MatClass)matClass, isLogical, isComplex, (int)count),
            MatClass.Sparse => throw Error($"variable '{name}' is a sparse array, which this reader does not support; store it full()."),
            MatClass.Object => throw Error($"variable '{name}' is a MATLAB object, which this reader does not support; store its fields in a struct."),
            _ => throw Error($"variable '{name}' has array class {matClass} (function handle or opaque object), which this reader does not support."),
        };
    }

    private MatArray ReadNestedMatrix()
    {
        var (type, data) = ReadElement();
        return type == MiMatrix ? ReadMatrix(data, topLevel: false) : throw Error($"a cell or struct field of element type {type}; expected a matrix (14).");
    }

    private MatStructArray ReadStruct(string name, int[] dimensions, int count)
    {
        var (lengthType, lengthData) = ReadElement();
        if (lengthType != MiInt32 || lengthData.Count != 4)
        {
            throw Error($"struct '{name}' without its field-name length.");
        }

        var fieldNameLength = (int)ReadUInt32(lengthData.Offset);
        var (namesType, namesData) = ReadElement();
        if (namesType != MiInt8 || fieldNameLength <= 0 || namesData.Count % fieldNameLength != 0)
        {
            throw Error($"struct '{name}' with malformed field names.");
        }

        var fieldNames = new List<string>();
        for (var offset = 0; offset < namesData.Count; offset += fieldNameLength)
        {
            var raw = namesData.AsSpan(offset, fieldNameLength);
            var nul = raw.IndexOf((byte)0);
            fieldNames.Add(Encoding.ASCII.GetString(nul >= 0 ? raw[..nul] : raw));
        }

        var elements = new List<IReadOnlyList<MatArray>>(count);
        for (var e = 0; e < count; e++)
        {
            elements.Add(fieldNames.Select(_ => ReadNestedMatrix()).ToList());
        }

        return new MatStructArray(name, dimensions, fieldNames, elements);
    }

    private MatCharArray ReadChar(string name, int[] dimensions, int count, bool isComplex)
    {
        if (isComplex)
        {
            throw Error($"char array '{name}' flagged complex.");
        }

        var text = count == 0 ? string.Empty : DecodeText(name);
        if (text.Length != count)
        {
            throw Error($"char array '{name}' holds {text.Length} characters for dimensions {string.Join('x', dimensions)}.");
        }

        // Column-major: row i is characters i, i+rows, i+2*rows, ...
        var rows = dimensions[0];
        var columns = rows == 0 ? 0 : count / rows;
        var result = new List<string>(rows);
        for (var i = 0; i < rows; i++)
        {
            var sb = new StringBuilder(columns);
            for (var j = 0; j < columns; j++)
            {
                sb.Append(text[i + (j * rows)]);
            }

            result.Add(sb.ToString());
        }

        return new MatCharArray(name, dimensions, result);
    }

    private string DecodeText(string name)
    {
        var (type, data) = ReadElement();
        return type switch
        {
            MiUtf8 => Encoding.UTF8.GetString(data),
            MiUInt8 or MiInt8 => Encoding.Latin1.GetString(data),
            MiUInt16 or MiUtf16 => (_bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode).GetString(data),
            MiUtf32 => new UTF32Encoding(_bigEndian, false).GetString(data),
            _ => throw Error($"char array '{name}' stored as element type {type}; expected UTF-8, UTF-16, UTF-32 or 8/16-bit integers."),
        };
    }

    private MatNumericArray ReadNumeric(string name, int[] dimensions, MatClass matClass, bool isLogical, bool isComplex, int count)
    {
        if (isComplex)
        {
            throw Error($"numeric array '{name}' is complex, which this reader does not support.");
        }

        var (type, data) = ReadElement();
        var size = type switch
        {
            MiInt8 or MiUInt8 => 1,
            MiInt16 or MiUInt16 => 2,
            MiInt32 or MiUInt32 or MiSingle => 4,
            MiDouble or MiInt64 or MiUInt64 => 8,
            _ => throw Error($"numeric array '{name}' stored as element type {type}."),
        };
        if (data.Count != count * size)
        {
            throw Error($"numeric array '{name}' holds {data.Count} bytes for {count} values of {size} byte(s).");
        }

        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var at = data.Offset + (i * size);
            values[i] = type switch
            {
                MiInt8 => (sbyte)_data[at],
                MiUInt8 => _data[at],
                MiInt16 => (short)ReadUInt16(at),
                MiUInt16 => ReadUInt16(at),
                MiInt32 => (int)ReadUInt32(at),
                MiUInt32 => ReadUInt32(at),
                MiSingle => BitConverter.Int32BitsToSingle((int)ReadUInt32(at)),
                MiDouble => BitConverter.Int64BitsToDouble((long)ReadUInt64(at)),
                MiInt64 => (long)ReadUInt64(at),
                _ => ReadUInt64(at),
            };
        }

        return new MatNumericArray(name, dimensions, matClass, isLogical, values);
    }

    private byte[] Inflate(ArraySegment<byte> compressed)
    {
        try
        {
            using var input = new MemoryStream(compressed.Array!, compressed.Offset, compressed.Count, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MaxDecompressedBytes)
                {
                    throw Error($"a compressed variable inflates past {MaxDecompressedBytes} bytes.");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new MatFormatException($"{_source}: a compressed variable is not a valid zlib stream: {e.Message}", e);
        }
    }

    private ushort ReadUInt16(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(at))
        : BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan(at));

    private uint ReadUInt32(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(at))
        : BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(at));

    private ulong ReadUInt64(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt64BigEndian(_data.AsSpan(at))
        : BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(at));

    private MatFormatException Error(string message) => new($"{_source}: not a MAT v5 file this reader can read: {message}");
}
