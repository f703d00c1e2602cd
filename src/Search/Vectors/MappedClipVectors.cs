using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Retrieval.Models.Geometry;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>A vector file that cannot be used; the message says why, and the caller rebuilds it from the index.</summary>
public sealed class ClipVectorFileException(string path, string problem)
    : IOException($"The vector file {path} cannot be used: {problem}.")
{
    public string FilePath { get; } = path;

    public string Problem { get; } = problem;
}

/// <summary>
/// Rows read straight from a memory-mapped vector file (<see cref="ClipVectorFileFormat"/>): the scan takes spans over
/// the mapping, so nothing is copied into managed memory and the operating system pages the file in and shares it
/// between processes. Every access holds a reference on the mapping's handle (<c>AcquirePointer</c>), so disposing
/// while a scan runs unmaps only when the scan ends, and a later access throws <see cref="ObjectDisposedException"/>
/// instead of reading unmapped memory. Opening checks the header, the length and the image tables, so no offset
/// a scan computes can leave the file.
/// </summary>
internal sealed unsafe class MappedClipVectors : ClipVectorRows
{
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly ClipVectorFileLayout layout;

    private MappedClipVectors(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, ClipVectorFileHeader header)
    {
        FilePath = path;
        this.map = map;
        this.view = view;
        Header = header;
        layout = header.Layout;
    }

    public ClipVectorFileHeader Header { get; }

    public override string FilePath { get; }

    public override int Width => layout.Width;

    public override int Count => (int)layout.Rows;

    public override int ImageCount => (int)layout.Images;

    public override EmbeddingPrecision Precision => layout.Precision;

    /// <summary>The row's vector (with its padding to 64 bytes), region and int8 scale in the file.</summary>
    public override int BytesPerRow => layout.RowStride + ClipVectorFileFormat.RegionBytes + (layout.Precision == EmbeddingPrecision.Int8 ? sizeof(float) : 0);

    /// <summary>Maps and checks the file.</summary>
    /// <exception cref="ClipVectorFileException">The file is not a sound vector file of this format version.</exception>
    /// <exception cref="IOException">The file cannot be opened (missing, unreadable).</exception>
    public static MappedClipVectors Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Vector files are little-endian and are mapped as they are; this machine is big-endian.");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var length = stream.Length;
            if (length < ClipVectorFileFormat.HeaderBytes)
            {
                throw new ClipVectorFileException(path, $"it is {length} bytes, shorter than its header");
            }

            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            var header = Check(path, view.SafeMemoryMappedViewHandle, view.PointerOffset, length);
            return new MappedClipVectors(path, map, view, header);
        }
        catch
        {
            view?.Dispose();
            if (map is null)
            {
                stream.Dispose();
            }
            else
            {
                map.Dispose();
            }

            throw;
        }
    }

    public override long ImageId(int image)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(image);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(image, ImageCount);
        var pointer = Acquire();
        try
        {
            return new ReadOnlySpan<long>(pointer + layout.ImageIdsOffset, ImageCount)[image];
        }
        finally
        {
            Release();
        }
    }

    public override bool TryGetImage(long imageId, out int image)
    {
        var pointer = Acquire();
        try
        {
            image = new ReadOnlySpan<long>(pointer + layout.ImageIdsOffset, ImageCount).BinarySearch(imageId);
            return image >= 0;
        }
        finally
        {
            Release();
        }
    }

    public override Quad? Region(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        var pointer = Acquire();
        try
        {
            var bytes = new ReadOnlySpan<byte>(pointer + layout.RegionsOffset + ((long)row * ClipVectorFileFormat.RegionBytes), ClipVectorFileFormat.RegionBytes);
            return MemoryMarshal.Read<uint>(bytes) == uint.MaxValue ? null : StoreCodecs.DecodeQuad(bytes);
        }
        finally
        {
            Release();
        }
    }

    public override void ScanInto(ReadOnlySpan<float> query, Span<float> best, Span<int> bestRow)
    {
        var pointer = Acquire();
        try
        {
            var ranges = new ReadOnlySpan<int>(pointer + layout.RangesOffset, ImageCount + 1);
            var vectors = pointer + layout.VectorsOffset;
            switch (layout.Precision)
            {
                case EmbeddingPrecision.Float32:
                    ScanSingles(query, vectors, ranges, best, bestRow);
                    break;
                case EmbeddingPrecision.Float16:
                    ScanHalves(query, vectors, ranges, best, bestRow);
                    break;
                default:
                    ScanInt8(query, vectors, new ReadOnlySpan<float>(pointer + layout.ScalesOffset, Count), ranges, best, bestRow);
                    break;
            }
        }
        finally
        {
            Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            view.Dispose();
            map.Dispose();
        }
    }

    private static ClipVectorFileHeader Check(string path, SafeMemoryMappedViewHandle handle, long offset, long length)
    {
        byte* pointer = null;
        handle.AcquirePointer(ref pointer);
        try
        {
            pointer += offset;
            var header = ClipVectorFileFormat.ReadHeader(new ReadOnlySpan<byte>(pointer, ClipVectorFileFormat.HeaderBytes), length, out var problem)
                ?? throw new ClipVectorFileException(path, problem!);
            var layout = header.Layout;
            var tables = new ReadOnlySpan<byte>(pointer + layout.ImageIdsOffset, checked((int)(layout.Length - layout.ImageIdsOffset)));
            if (ClipVectorFileFormat.Checksum(tables) != header.TablesChecksum)
            {
                throw new ClipVectorFileException(path, "its image tables do not match their checksum (the file is damaged)");
            }

            var ids = MemoryMarshal.Cast<byte, long>(tables[..(int)(layout.Images * sizeof(long))]);
            var ranges = MemoryMarshal.Cast<byte, int>(tables[(int)(layout.Images * sizeof(long))..]);
            if (ranges[0] != 0 || ranges[^1] != layout.Rows)
            {
                throw new ClipVectorFileException(path, "its image ranges do not cover its rows");
            }

            for (var i = 0; i < ids.Length; i++)
            {
                if (ranges[i + 1] <= ranges[i] || (i > 0 && ids[i] <= ids[i - 1]))
                {
                    throw new ClipVectorFileException(path, "its image tables are out of order");
                }
            }

            return header;
        }
        finally
        {
            handle.ReleasePointer();
        }
    }

    private void ScanSingles(ReadOnlySpan<float> query, byte* vectors, ReadOnlySpan<int> ranges, Span<float> best, Span<int> bestRow)
    {
        var stride = layout.RowStride;
        for (var image = 0; image < ImageCount; image++)
        {
            for (var row = ranges[image]; row < ranges[image + 1]; row++)
            {
                var vector = new ReadOnlySpan<float>(vectors + ((long)row * stride), Width);
                ClipVectorKernels.Keep(image, row, TensorPrimitives.Dot(query, vector), best, bestRow);
            }
        }
    }

    private void ScanHalves(ReadOnlySpan<float> query, byte* vectors, ReadOnlySpan<int> ranges, Span<float> best, Span<int> bestRow)
    {
        var stride = layout.RowStride;
        for (var image = 0; image < ImageCount; image++)
        {
            for (var row = ranges[image]; row < ranges[image + 1]; row++)
            {
                var vector = new ReadOnlySpan<Half>(vectors + ((long)row * stride), Width);
                ClipVectorKernels.Keep(image, row, ClipVectorKernels.DotHalf(query, vector), best, bestRow);
            }
        }
    }

    private void ScanInt8(ReadOnlySpan<float> query, byte* vectors, ReadOnlySpan<float> scales, ReadOnlySpan<int> ranges, Span<float> best, Span<int> bestRow)
    {
        var stride = layout.RowStride;
        for (var image = 0; image < ImageCount; image++)
        {
            for (var row = ranges[image]; row < ranges[image + 1]; row++)
            {
                var vector = new ReadOnlySpan<sbyte>(vectors + ((long)row * stride), Width);
                ClipVectorKernels.Keep(image, row, ClipVectorKernels.DotInt8(query, vector) * scales[row], best, bestRow);
            }
        }
    }

    /// <summary>The mapping's first byte, holding a reference on it until <see cref="Release"/>.</summary>
    private byte* Acquire()
    {
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        return pointer + view.PointerOffset;
    }

    private void Release() => view.SafeMemoryMappedViewHandle.ReleasePointer();
}
