using Microsoft.Win32.SafeHandles;

namespace Retrieval.Models.Imaging;

/// <summary>
/// An encoded image opened for libvips: a file opened by .NET (so file-system problems are typed
/// before libvips sees anything, and the bytes never pass through managed memory) or caller memory
/// that stays pinned while this lives. libvips reads through a VipsSource on the descriptor.
/// </summary>
internal sealed class VipsInput : IDisposable
{
    private readonly SafeFileHandle? file;
    private readonly IntPtr memory;

    private VipsInput(string name, VipsSourceHandle source, long length, SafeFileHandle? file, IntPtr memory)
    {
        Name = name;
        Source = source;
        Length = length;
        this.file = file;
        this.memory = memory;
    }

    /// <summary>What errors call the input: the path, or the caller's name for in-memory bytes.</summary>
    public string Name { get; }

    public VipsSourceHandle Source { get; }

    public long Length { get; }

    /// <summary>Opens <paramref name="path"/> for reading; every file-system failure is an <see cref="ImageDecodeException"/>.</summary>
    public static VipsInput OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var handle = OpenHandle(path);
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length == 0)
            {
                throw new ImageDecodeException(path, ImageErrorKind.Empty, "the file has zero bytes; it was probably not copied completely");
            }

            var raw = VipsNative.vips_source_new_from_descriptor((int)handle.DangerousGetHandle());
            if (raw == IntPtr.Zero)
            {
                throw new ImageDecodeException(path, ImageErrorKind.Unreadable, "libvips could not read the open file: " + VipsCallGate.FailureText());
            }

            return new VipsInput(path, new VipsSourceHandle(raw), length, handle, IntPtr.Zero);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Wraps pinned memory; the caller keeps it pinned until this is disposed.</summary>
    public static VipsInput FromPinnedMemory(IntPtr data, int length, string name)
    {
        if (length == 0)
        {
            throw new ImageDecodeException(name, ImageErrorKind.Empty, "no bytes were given");
        }

        var raw = VipsNative.vips_source_new_from_memory(data, (nuint)length);
        if (raw == IntPtr.Zero)
        {
            throw new ImageDecodeException(name, ImageErrorKind.Unreadable, "libvips could not wrap the bytes: " + VipsCallGate.FailureText());
        }

        return new VipsInput(name, new VipsSourceHandle(raw), length, null, data);
    }

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/>; used only to explain failures.</summary>
    public unsafe byte[] ReadBytes(long offset, int count)
    {
        offset = Math.Clamp(offset, 0, Length);
        var buffer = new byte[(int)Math.Min(count, Length - offset)];
        if (file is not null)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = RandomAccess.Read(file, buffer.AsSpan(read), offset + read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return buffer[..read];
        }

        new ReadOnlySpan<byte>((byte*)memory + offset, buffer.Length).CopyTo(buffer);
        return buffer;
    }

    public void Dispose()
    {
        Source.Dispose();
        file?.Dispose();
    }

    private static SafeFileHandle OpenHandle(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            throw new ImageDecodeException(path, ImageErrorKind.NotFound, DescribeMissing(path));
        }
        catch (DirectoryNotFoundException)
        {
            throw new ImageDecodeException(path, ImageErrorKind.NotFound, "its folder does not exist; check the path");
        }
        catch (UnauthorizedAccessException e)
        {
            var detail = Directory.Exists(path)
                ? "it is a folder, not a file; pass the image files inside it"
                : $"permission denied ({e.Message.TrimEnd('.')}); give this user read access to the file";
            throw new ImageDecodeException(path, ImageErrorKind.Unreadable, detail);
        }
        catch (PathTooLongException e)
        {
            throw new ImageDecodeException(path, ImageErrorKind.Unreadable, e.Message);
        }
        catch (IOException e)
        {
            throw new ImageDecodeException(path, ImageErrorKind.Unreadable, DescribeIoFailure(path, e));
        }
    }

    private static string DescribeMissing(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is { } target
            ? $"it is a symbolic link to '{target}', which does not exist"
            : "no such file; check the path";
    }

    /// <summary>Symbolic link loops arrive as a plain IOException (ELOOP); say so, since the message alone is cryptic.</summary>
    private static string DescribeIoFailure(string path, IOException e)
    {
        try
        {
            File.ResolveLinkTarget(path, returnFinalTarget: true);
        }
        catch (IOException)
        {
            return $"it is a symbolic link that never reaches a file (a loop or too many links): {e.Message}";
        }

        return e.Message.TrimEnd('.') + "; the file may be locked by another program or on a failing disk";
    }
}
