using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>
/// Where each section of a vector file lies, computed from its counts alone, so a reader checks a header against the
/// layout it implies instead of trusting its offsets. Sections, in order (all little-endian):
/// <list type="number">
/// <item>the header (<see cref="ClipVectorFileFormat.HeaderBytes"/>);</item>
/// <item>regions: 32 bytes a row (a quad as 8 float32; all bits set for a whole-image row);</item>
/// <item>scales: a float32 a row, int8 files only;</item>
/// <item>vectors: page-aligned, <see cref="RowStride"/> bytes a row (64-byte multiples, so every row starts SIMD-aligned);</item>
/// <item>image ids: int64 each, ascending (rows are grouped by image in this order);</item>
/// <item>image ranges: int32 first row of each image, then the row count (images + 1 values).</item>
/// </list>
/// </summary>
internal readonly record struct ClipVectorFileLayout(
    EmbeddingPrecision Precision, int Width, long Rows, long Images, int RowStride, long RegionsOffset, long ScalesOffset, long VectorsOffset, long ImageIdsOffset, long RangesOffset, long Length)
{
    public static ClipVectorFileLayout For(EmbeddingPrecision precision, int width, long rows, long images)
    {
        var stride = (int)Align(width * (long)ClipVectorFileFormat.ComponentBytes(precision), 64);
        var regions = (long)ClipVectorFileFormat.HeaderBytes;
        var scales = Align(regions + (rows * ClipVectorFileFormat.RegionBytes), 64);
        var vectors = Align(scales + (precision == EmbeddingPrecision.Int8 ? rows * sizeof(float) : 0), ClipVectorFileFormat.PageBytes);
        var imageIds = Align(vectors + (rows * stride), 64);
        var ranges = imageIds + (images * sizeof(long));
        return new ClipVectorFileLayout(precision, width, rows, images, stride, regions, scales, vectors, imageIds, ranges, ranges + ((images + 1) * sizeof(int)));
    }

    private static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}

/// <summary>
/// The vector file of one model's embeddings at one precision (<c>embeddings/MODEL.PRECISION.vec</c> in the index
/// directory): a cache of the SQLite rows laid out for an exact scan straight from a memory mapping. The header records
/// what it was made from (model id, the index's embedding generation, rows, largest row id) so a reader can tell it is
/// current, and checksums of itself and of the image tables so a torn or damaged file is detected and rebuilt. The
/// vector section is not checksummed (reading a gigabyte at every open would defeat the mapping); a damaged vector
/// can only change similarities, never make a read leave the file, because every offset is checked against the
/// layout the counts imply. Version <see cref="Version"/>; a file of another version is rebuilt.
/// </summary>
internal static class ClipVectorFileFormat
{
    public const int Version = 1;
    public const int HeaderBytes = 4096;
    public const int PageBytes = 4096;
    public const int RegionBytes = 32;
    public const int ModelIdBytes = 64;

    // Header fields (byte offsets).
    private const int MagicAt = 0;
    private const int VersionAt = 8;
    private const int PrecisionAt = 12;
    private const int WidthAt = 16;
    private const int StrideAt = 20;
    private const int RowsAt = 24;
    private const int ImagesAt = 32;
    private const int GenerationAt = 40;
    private const int MaxIdAt = 48;
    private const int LengthAt = 56;
    private const int TablesChecksumAt = 64;
    private const int ModelIdAt = 72;
    private const int HeaderChecksumAt = ModelIdAt + ModelIdBytes;

    private static ReadOnlySpan<byte> Magic => "RTVECTOR"u8;

    public static int ComponentBytes(EmbeddingPrecision precision) => precision switch
    {
        EmbeddingPrecision.Float32 => 4,
        EmbeddingPrecision.Float16 => 2,
        EmbeddingPrecision.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "A vector file holds float32, float16 or int8 rows."),
    };

    /// <summary>The file name for a model and precision: the first 16 characters of the model id and the precision.</summary>
    public static string FileName(string modelId, EmbeddingPrecision precision) =>
        $"{(modelId.Length > 16 ? modelId[..16] : modelId)}.{precision.ToString().ToLowerInvariant()}.vec";

    public static void WriteHeader(Span<byte> header, ClipVectorFileLayout layout, string modelId, long generation, long maxId, ulong tablesChecksum)
    {
        header[..HeaderBytes].Clear();
        Magic.CopyTo(header[MagicAt..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[VersionAt..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[PrecisionAt..], (int)layout.Precision);
        BinaryPrimitives.WriteInt32LittleEndian(header[WidthAt..], layout.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[StrideAt..], layout.RowStride);
        BinaryPrimitives.WriteInt64LittleEndian(header[RowsAt..], layout.Rows);
        BinaryPrimitives.WriteInt64LittleEndian(header[ImagesAt..], layout.Images);
        BinaryPrimitives.WriteInt64LittleEndian(header[GenerationAt..], generation);
        BinaryPrimitives.WriteInt64LittleEndian(header[MaxIdAt..], maxId);
        BinaryPrimitives.WriteInt64LittleEndian(header[LengthAt..], layout.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[TablesChecksumAt..], tablesChecksum);
        var id = Encoding.ASCII.GetBytes(modelId);
        if (id.Length > ModelIdBytes)
        {
            throw new ArgumentException($"A model id has at most {ModelIdBytes} characters.", nameof(modelId));
        }

        id.CopyTo(header[ModelIdAt..]);
        BinaryPrimitives.WriteUInt64LittleEndian(header[HeaderChecksumAt..], Checksum(header[..HeaderChecksumAt]));
    }

    /// <summary>Reads and checks a header against the file's length; the reason is null when it is sound.</summary>
    public static ClipVectorFileHeader? ReadHeader(ReadOnlySpan<byte> header, long fileLength, out string? problem)
    {
        problem = null;
        if (fileLength < HeaderBytes || !header[..Magic.Length].SequenceEqual(Magic))
        {
            problem = fileLength < HeaderBytes ? $"it is {fileLength} bytes, shorter than its header" : "it is not a vector file (no header)";
            return null;
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[VersionAt..]);
        if (version != Version)
        {
            problem = $"it is format version {version}, this build reads version {Version}";
            return null;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header[HeaderChecksumAt..]) != Checksum(header[..HeaderChecksumAt]))
        {
            problem = "its header checksum does not match (the file is damaged)";
            return null;
        }

        var precision = (EmbeddingPrecision)BinaryPrimitives.ReadInt32LittleEndian(header[PrecisionAt..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(header[WidthAt..]);
        var rows = BinaryPrimitives.ReadInt64LittleEndian(header[RowsAt..]);
        var images = BinaryPrimitives.ReadInt64LittleEndian(header[ImagesAt..]);
        if (!Enum.IsDefined(precision) || width is < 1 or > 1 << 16 || rows is < 0 or > int.MaxValue || images < 0 || images > rows || images > (int.MaxValue - 4) / 12)
        {
            problem = "its header describes an impossible file";
            return null;
        }

        var layout = ClipVectorFileLayout.For(precision, width, rows, images);
        var recorded = BinaryPrimitives.ReadInt64LittleEndian(header[LengthAt..]);
        if (BinaryPrimitives.ReadInt32LittleEndian(header[StrideAt..]) != layout.RowStride || recorded != layout.Length)
        {
            problem = "its header does not match the layout of its counts";
            return null;
        }

        if (fileLength != layout.Length)
        {
            problem = $"it is {fileLength} bytes, its header says {layout.Length} (the file is truncated or was not finished)";
            return null;
        }

        var id = header.Slice(ModelIdAt, ModelIdBytes);
        var end = id.IndexOf((byte)0);
        return new ClipVectorFileHeader(
            layout,
            Encoding.ASCII.GetString(end < 0 ? id : id[..end]),
            BinaryPrimitives.ReadInt64LittleEndian(header[GenerationAt..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[MaxIdAt..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[TablesChecksumAt..]));
    }

    /// <summary>A 64-bit FNV-1a style hash over 8-byte words (then the tail bytes): enough to notice damage, not an integrity seal.</summary>
    public static ulong Checksum(ReadOnlySpan<byte> bytes, ulong hash = 14695981039346656037UL)
    {
        const ulong Prime = 1099511628211UL;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (var word in words)
        {
            hash = (hash ^ word) * Prime;
        }

        foreach (var b in bytes[(words.Length * sizeof(ulong))..])
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}

/// <summary>A vector file's header, checked against its length (<see cref="ClipVectorFileFormat.ReadHeader"/>).</summary>
internal sealed record ClipVectorFileHeader(ClipVectorFileLayout Layout, string ModelId, long Generation, long MaxId, ulong TablesChecksum);
