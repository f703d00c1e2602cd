using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Server;

/// <summary>A thumbnail ready to send: a cached file or fresh bytes, and its entity tag.</summary>
internal sealed record Thumbnail(string ETag, string? CachedPath, byte[]? Bytes);

/// <summary>
/// JPEG thumbnails made with libvips (<see cref="ImageThumbnailer"/>), cached on disk as
/// <c>DIR/xx/ID-SIZE-HASH.jpg</c>. The hash (also the ETag) covers the file's real path, length and
/// modified time and the size, so a changed file gets a new thumbnail and a new tag by itself. Files
/// are written to a temporary name and renamed, so a reader never sees half of one; concurrent
/// requests for the same thumbnail share one job, and at most
/// <see cref="ServeLimits.MaxConcurrentThumbnails"/> are made at once. When the cache folder cannot
/// be written the server still answers, without caching (logged once).
/// </summary>
internal sealed partial class ThumbnailCache : IDisposable
{
    /// <summary>Bumped when the way thumbnails are made changes, so old cache files are not reused.</summary>
    private const string Version = "1";

    private readonly string directory;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentDictionary<string, Lazy<Task<Thumbnail>>> jobs = new(StringComparer.Ordinal);
    private readonly ILogger<ThumbnailCache> logger;
    private int cacheBroken;

    public ThumbnailCache(ServeOptions options, ILogger<ThumbnailCache> logger)
    {
        directory = options.ThumbnailCacheDirectory;
        slots = new SemaphoreSlim(options.Limits.MaxConcurrentThumbnails);
        this.logger = logger;
    }

    public static string ETagFor(long imageId, ImageFile file, int size)
    {
        var facts = string.Create(CultureInfo.InvariantCulture, $"{Version}|{imageId}|{file.RealPath}|{file.Length}|{file.Modified.UtcTicks}|{size}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(facts)).AsSpan(0, 12));
    }

    /// <summary>
    /// The thumbnail tagged <paramref name="tag"/> (from <see cref="ETagFor"/>), made from the image
    /// file <paramref name="source"/> gives (asked for only when the thumbnail is not cached yet).
    /// </summary>
    public Task<Thumbnail> GetAsync(long imageId, string tag, int size, Func<Task<string>> source, CancellationToken cancellationToken)
    {
        var path = CachePath(imageId, size, tag);
        if (File.Exists(path))
        {
            return Task.FromResult(new Thumbnail(tag, path, null));
        }

        // The job is not tied to one request: others may be waiting on it, so it runs to the end.
        var job = jobs.GetOrAdd(path, _ => new Lazy<Task<Thumbnail>>(() => MakeAsync(source, size, tag, path)));
        return job.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Deletes every cached thumbnail of an image (after it was removed from the index).</summary>
    public void Evict(long imageId)
    {
        var folder = Path.Combine(directory, Bucket(imageId));
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, string.Create(CultureInfo.InvariantCulture, $"{imageId}-*.jpg")))
        {
            TryDelete(file);
        }
    }

    public void Dispose() => slots.Dispose();

    private async Task<Thumbnail> MakeAsync(Func<Task<string>> image, int size, string tag, string path)
    {
        try
        {
            var source = await image().ConfigureAwait(false);
            await slots.WaitAsync().ConfigureAwait(false);
            byte[] bytes;
            try
            {
                bytes = await Task.Run(() => ImageThumbnailer.ThumbnailJpeg(source, size)).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }

            return Store(bytes, tag, path);
        }
        finally
        {
            jobs.TryRemove(path, out _);
        }
    }

    private Thumbnail Store(byte[] bytes, string tag, string path)
    {
        if (Volatile.Read(ref cacheBroken) != 0)
        {
            return new Thumbnail(tag, null, bytes);
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
            return new Thumbnail(tag, path, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            if (Interlocked.Exchange(ref cacheBroken, 1) == 0)
            {
                LogCacheUnwritable(logger, directory, e.Message);
            }

            return new Thumbnail(tag, null, bytes);
        }
    }

    private string CachePath(long imageId, int size, string tag) =>
        Path.Combine(directory, Bucket(imageId), string.Create(CultureInfo.InvariantCulture, $"{imageId}-{size}-{tag}.jpg"));

    private static string Bucket(long imageId) => (imageId % 256).ToString("x2", CultureInfo.InvariantCulture);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover file is harmless: its name is never looked up again.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Thumbnails are not cached: the folder {Directory} cannot be written ({Reason}); set another with --thumbnails DIR")]
    private static partial void LogCacheUnwritable(ILogger logger, string directory, string reason);
}
