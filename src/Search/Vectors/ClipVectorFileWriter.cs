using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>
/// Writes a vector file (<see cref="ClipVectorFileFormat"/>) from one snapshot of the stored rows. Crash-safe: it
/// writes a temporary file beside the target, flushes it to disk, and renames it over the target, so readers see the
/// old file or the new one, never part of one (a reader that mapped the old file keeps it until it lets go).
/// </summary>
internal static class ClipVectorFileWriter
{
    /// <summary>Temporary files older than this are left over from a crash and are deleted by the next write.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(30);

    /// <summary>Writes <paramref name="path"/> from <paramref name="rows"/>; returns false (writing nothing) when there are no rows.</summary>
    /// <exception cref="InvalidDataException">The rows mix widths (the index mixes models) or are not grouped by image.</exception>
    /// <exception cref="IOException">The file cannot be written (the caller falls back to reading the vectors into memory).</exception>
    public static async Task<bool> WriteAsync(string path, IEmbeddingRowReader rows, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken)
    {
        var state = rows.State;
        if (state.Rows == 0)
        {
            return false;
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        DeleteAbandoned(directory, Path.GetFileName(path));
        var temporary = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var target = new PendingFile(temporary))
            {
                await foreach (var row in rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    target.Add(row, precision, state.Rows);
                }

                target.Finish(modelId, state);
            }

            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static void DeleteAbandoned(string directory, string name)
    {
        foreach (var file in Directory.EnumerateFiles(directory, name + ".tmp-*"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > AbandonedAfter)
                {
                    File.Delete(file);
                }
            }
            catch (IOException)
            {
                // Another process may be cleaning up too.
            }
        }
    }

    /// <summary>The temporary file being filled through a writable mapping, sized for the worst case (one image a row) and trimmed when finished.</summary>
    private sealed unsafe class PendingFile(string path) : IDisposable
    {
        private readonly FileStream stream = new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        private readonly List<long> imageIds = [];
        private readonly List<int> firstRows = [];
        private MemoryMappedFile? map;
        private MemoryMappedViewAccessor? view;
        private byte* pointer;
        private ClipVectorFileLayout capacity;
        private int rowCount;

        public void Add(StoredVectorRow row, EmbeddingPrecision precision, long expectedRows)
        {
            if (view is null)
            {
                Map(ClipVectorFileLayout.For(precision, row.Dimension, expectedRows, expectedRows));
            }

            if (row.Dimension != capacity.Width)
            {
                throw new InvalidDataException($"An embedding of image {row.ImageId} has {row.Dimension} components, the others {capacity.Width}; the index mixes models. Re-run `retrieval index --embed --force`.");
            }

            if (rowCount >= capacity.Rows)
            {
                throw new InvalidDataException("The snapshot holds more embedding rows than it counted.");
            }

            if (imageIds.Count == 0 || imageIds[^1] != row.ImageId)
            {
                if (imageIds.Count > 0 && row.ImageId < imageIds[^1])
                {
                    throw new InvalidDataException("Embedding rows must come grouped by image in image id order.");
                }

                imageIds.Add(row.ImageId);
                firstRows.Add(rowCount);
            }

            var region = new Span<byte>(pointer + capacity.RegionsOffset + ((long)rowCount * ClipVectorFileFormat.RegionBytes), ClipVectorFileFormat.RegionBytes);
            if (row.Region is { } quad)
            {
                StoreCodecs.EncodeQuad(quad).CopyTo(region);
            }
            else
            {
                region.Fill(0xFF);
            }

            var vector = new Span<byte>(pointer + capacity.VectorsOffset + ((long)rowCount * capacity.RowStride), capacity.Width * ClipVectorFileFormat.ComponentBytes(precision));
            var scale = Encode(row, precision, vector);
            if (precision == EmbeddingPrecision.Int8)
            {
                BinaryPrimitives.WriteSingleLittleEndian(new Span<byte>(pointer + capacity.ScalesOffset + ((long)rowCount * sizeof(float)), sizeof(float)), scale);
            }

            rowCount++;
        }

        /// <summary>Writes the image tables and the header, trims the file to its layout and flushes it to disk.</summary>
        public void Finish(string modelId, EmbeddingState state)
        {
            if (view is null || rowCount != capacity.Rows)
            {
                throw new InvalidDataException($"The snapshot counted {state.Rows} embedding rows but gave {rowCount}.");
            }

            var layout = ClipVectorFileLayout.For(capacity.Precision, capacity.Width, rowCount, imageIds.Count);
            firstRows.Add(rowCount);
            var tables = new Span<byte>(pointer + layout.ImageIdsOffset, checked((int)(layout.Length - layout.ImageIdsOffset)));
            MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(imageIds)).CopyTo(tables);
            MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(firstRows)).CopyTo(tables[(imageIds.Count * sizeof(long))..]);
            ClipVectorFileFormat.WriteHeader(new Span<byte>(pointer, ClipVectorFileFormat.HeaderBytes), layout, modelId, state.Generation, state.MaxId, ClipVectorFileFormat.Checksum(tables));
            view.Flush();
            Unmap();
            stream.SetLength(layout.Length);
            stream.Flush(flushToDisk: true);
        }

        public void Dispose()
        {
            Unmap();
            stream.Dispose();
        }

        /// <summary>Writes the row's vector at the file's precision; returns its int8 scale (1 otherwise).</summary>
        private static float Encode(StoredVectorRow row, EmbeddingPrecision precision, Span<byte> destination)
        {
            if (row.Precision == precision)
            {
                var stored = row.Precision == EmbeddingPrecision.Int8 ? row.Vector.AsSpan(sizeof(float)) : row.Vector;
                if (stored.Length != destination.Length)
                {
                    throw new InvalidDataException($"A stored {row.Precision} vector of image {row.ImageId} has {row.Vector.Length} bytes for {row.Dimension} components.");
                }

                stored.CopyTo(destination);
                return row.Precision == EmbeddingPrecision.Int8 ? BinaryPrimitives.ReadSingleLittleEndian(row.Vector) : 1f;
            }

            // Widened the way the in-memory index widens, so both scan the same numbers.
            var vector = StoreCodecs.DecodeVector(row.Vector, row.Dimension, row.Precision);
            switch (precision)
            {
                case EmbeddingPrecision.Float32:
                    MemoryMarshal.AsBytes(vector.AsSpan()).CopyTo(destination);
                    return 1f;
                case EmbeddingPrecision.Float16:
                    TensorPrimitives.ConvertToHalf(vector, MemoryMarshal.Cast<byte, Half>(destination));
                    return 1f;
                default:
                    var quantized = StoreCodecs.EncodeVector(vector, EmbeddingPrecision.Int8);
                    quantized.AsSpan(sizeof(float)).CopyTo(destination);
                    return BinaryPrimitives.ReadSingleLittleEndian(quantized);
            }
        }

        private void Map(ClipVectorFileLayout layout)
        {
            capacity = layout;
            stream.SetLength(layout.Length);
            map = MemoryMappedFile.CreateFromFile(stream, null, layout.Length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            view = map.CreateViewAccessor(0, layout.Length, MemoryMappedFileAccess.ReadWrite);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
        }

        private void Unmap()
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
                view = null;
                pointer = null;
            }

            map?.Dispose();
            map = null;
        }
    }
}
