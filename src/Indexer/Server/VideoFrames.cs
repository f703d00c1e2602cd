using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>A frame of an indexed video could not be extracted for viewing.</summary>
internal sealed class FrameExtractionException(string message) : Exception(message);

/// <summary>
/// Frames of indexed videos as JPEG files, so the API can serve them (and thumbnails of them) like
/// images: ffmpeg seeks to the frame's time, applies the stream's rotation and scales to the size the
/// frame was indexed at, so its quads line up. Files are cached beside the thumbnails as
/// <c>frames/xx/ID-TAG.jpg</c>, the tag covering the video file's real path, length and modified
/// time; concurrent requests for a frame share one extraction.
/// </summary>
internal sealed class VideoFrames(ServeOptions options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string directory = Path.Combine(options.ThumbnailCacheDirectory, "frames");
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> jobs = new(StringComparer.Ordinal);

    /// <summary>The JPEG of <paramref name="frame"/>, whose video <paramref name="video"/> was resolved by <see cref="ImageFileGuard"/>.</summary>
    /// <exception cref="FfmpegNotFoundException">No ffmpeg to extract it with.</exception>
    /// <exception cref="FrameExtractionException">ffmpeg could not produce the frame.</exception>
    public Task<string> GetAsync(StoredImage frame, ImageFile video, CancellationToken cancellationToken)
    {
        var tag = ThumbnailCache.ETagFor(frame.Id, video, 0);
        var path = Path.Combine(directory, (frame.Id % 256).ToString("x2", CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{frame.Id}-{tag}.jpg"));
        if (File.Exists(path))
        {
            return Task.FromResult(path);
        }

        var job = jobs.GetOrAdd(path, _ => new Lazy<Task<string>>(() => ExtractAsync(frame, video.RealPath!, path)));
        return job.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Deletes the cached frames of an image (after it was removed from the index).</summary>
    public void Evict(long imageId)
    {
        var folder = Path.Combine(directory, (imageId % 256).ToString("x2", CultureInfo.InvariantCulture));
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, string.Create(CultureInfo.InvariantCulture, $"{imageId}-*.jpg")))
            {
                File.Delete(file);
            }
        }
    }

    private async Task<string> ExtractAsync(StoredImage frame, string video, string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp.jpg";
            var seconds = frame.Key.FrameTime!.Value.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
            var size = string.Create(CultureInfo.InvariantCulture, $"scale={frame.Width}:{frame.Height}");
            using var timeout = new CancellationTokenSource(Timeout);
            var (exitCode, errors) = await RunAsync(
                ["-hide_banner", "-nostdin", "-loglevel", "error", "-ss", seconds, "-i", video, "-map", "0:V:0", "-an", "-sn", "-dn", "-frames:v", "1", "-vf", size, "-q:v", "3", "-y", temporary],
                timeout.Token).ConfigureAwait(false);
            if (exitCode != 0 || !File.Exists(temporary) || new FileInfo(temporary).Length == 0)
            {
                File.Delete(temporary);
                throw new FrameExtractionException($"ffmpeg could not extract the frame at {seconds} s of '{Path.GetFileName(video)}' (exit {exitCode}: {errors.Trim()}); re-index the video if it changed.");
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            jobs.TryRemove(path, out _);
        }
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(FfmpegLocator.Locate()) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new FrameExtractionException("ffmpeg could not be started.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new FrameExtractionException($"ffmpeg took longer than {Timeout.TotalSeconds:0} s to extract a frame.");
        }

        return (process.ExitCode, await errors.ConfigureAwait(false));
    }
}
