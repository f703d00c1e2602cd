using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>
/// <c>/api/images/{id}</c>: the original file, a cached thumbnail, everything read in the image, and
/// removal from the index. Files are found only through the index and <see cref="ImageFileGuard"/>.
/// </summary>
internal static class ImageEndpoints
{
    /// <summary>Originals and thumbnails may be kept a day; the ETag (or Last-Modified) revalidates them after that.</summary>
    private const string CacheControl = "private, max-age=86400";

    public static async Task<IResult> OriginalAsync(string id, IIndexStore store, VideoFrames frames, CancellationToken cancellationToken)
    {
        var (image, file, problem) = await FindFileAsync(id, store, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var tag = new EntityTagHeaderValue("\"" + ThumbnailCache.ETagFor(image!.Id, file!, 0) + "\"");
        if (file!.IsVideoFrame)
        {
            var frame = await frames.GetAsync(image, file, cancellationToken);
            return new Cached(TypedResults.PhysicalFile(frame, "image/jpeg", entityTag: tag));
        }

        return new Cached(TypedResults.PhysicalFile(file.RealPath!, MediaType(file.RealPath!), lastModified: file.Modified, entityTag: tag, enableRangeProcessing: true));
    }

    public static async Task<IResult> ThumbnailAsync(string id, HttpRequest request, IIndexStore store, ThumbnailCache thumbnails, VideoFrames frames, ServeOptions options, CancellationToken cancellationToken)
    {
        var limits = options.Limits;
        if (!RequestValues.TryInt(request, "size", limits.DefaultThumbnailSize, 1, 65_535, out var size, out var bad) || !limits.ThumbnailSizes.Contains(size))
        {
            return bad ?? ApiProblems.BadRequest($"Thumbnails come in sizes {string.Join(", ", limits.ThumbnailSizes)} (pixels, longest side); got {size}.");
        }

        var (image, file, problem) = await FindFileAsync(id, store, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var etag = ThumbnailCache.ETagFor(image!.Id, file!, size);
        var tag = new EntityTagHeaderValue("\"" + etag + "\"");
        if (request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } wanted && wanted.Any(t => t.Compare(tag, useStrongComparison: false) || t.Tag == "*"))
        {
            return new Cached(TypedResults.StatusCode(StatusCodes.Status304NotModified), tag);
        }

        Func<Task<string>> source = file!.IsVideoFrame ? () => frames.GetAsync(image, file, CancellationToken.None) : () => Task.FromResult(file.RealPath!);
        var thumbnail = await thumbnails.GetAsync(image.Id, etag, size, source, cancellationToken);
        return thumbnail.CachedPath is { } path
            ? new Cached(TypedResults.PhysicalFile(path, "image/jpeg", entityTag: tag))
            : new Cached(TypedResults.File(thumbnail.Bytes!, "image/jpeg", entityTag: tag));
    }

    public static async Task<IResult> TextAsync(string id, IIndexStore store, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryParseId(id, out var imageId, out var bad))
        {
            return bad!;
        }

        var image = await store.GetImageAsync(imageId, cancellationToken);
        if (image is null)
        {
            return NoSuchImage(imageId);
        }

        var lines = await store.GetImageLinesAsync(imageId, cancellationToken);
        var json = lines.Select(l => new LineJson(
            l.Text,
            MathF.Round(l.Confidence, 3),
            Quads.ToJson(l.Quad),
            l.Words.Select(w => new WordJson(w.Text, MathF.Round(w.Confidence, 3), Quads.ToJson(w.Quad))).ToList())).ToList();
        return TypedResults.Ok(new ImageTextJson(
            image.Id,
            ImageFileGuard.RelativePath(image),
            ImageFileGuard.RootName(image),
            image.Width,
            image.Height,
            SearchEndpoint.Video(image),
            image.Status.ToString(),
            image.Error,
            json));
    }

    public static async Task<IResult> DeleteAsync(string id, IIndexStore store, ThumbnailCache thumbnails, VideoFrames frames, IndexGeneration generation, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryParseId(id, out var imageId, out var bad))
        {
            return bad!;
        }

        var deleted = await store.DeleteImagesAsync([imageId], cancellationToken);
        if (deleted == 0)
        {
            return NoSuchImage(imageId);
        }

        generation.Changed();
        thumbnails.Evict(imageId);
        frames.Evict(imageId);
        return TypedResults.NoContent();
    }

    private static async Task<(StoredImage? Image, ImageFile? File, IResult? Problem)> FindFileAsync(string id, IIndexStore store, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryParseId(id, out var imageId, out var bad))
        {
            return (null, null, bad);
        }

        var image = await store.GetImageAsync(imageId, cancellationToken);
        if (image is null)
        {
            return (null, null, NoSuchImage(imageId));
        }

        var file = ImageFileGuard.Resolve(image);
        IResult? problem = file.State switch
        {
            ImageFileState.Missing => ApiProblems.NotFound($"Image {imageId} is in the index but its file '{ImageFileGuard.RelativePath(image)}' is gone; re-index its folder to drop it."),
            ImageFileState.Outside => ApiProblems.Forbidden($"Image {imageId} is not served: its file resolves outside the folder it was indexed under (a symbolic link points out of it)."),
            _ when file.IsVideoFrame && (image.Width <= 0 || image.Height <= 0) =>
                ApiProblems.NotFound($"Image {imageId} is a frame of '{ImageFileGuard.RelativePath(image)}' at {image.Key.FrameTime!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s that was not read; open the video there."),
            _ => null,
        };
        return (image, file, problem);
    }

    private static IResult NoSuchImage(long imageId) =>
        ApiProblems.NotFound($"There is no image {imageId} in the index (it may have been deleted or re-indexed under a new id); search again for current ids.");

    private static string MediaType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => "image/jpeg",
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".tif" or ".tiff" => "image/tiff",
        ".heic" or ".heif" => "image/heic",
        ".avif" => "image/avif",
        ".bmp" => "image/bmp",
        ".mp4" or ".m4v" => "video/mp4",
        ".webm" => "video/webm",
        ".mov" => "video/quicktime",
        ".mkv" => "video/x-matroska",
        _ => "application/octet-stream",
    };

    /// <summary>Adds the cache headers of originals and thumbnails to a file result.</summary>
    private sealed class Cached(IResult inner, EntityTagHeaderValue? tag = null) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = CacheControl;
            if (tag is not null)
            {
                httpContext.Response.Headers.ETag = tag.ToString();
            }

            return inner.ExecuteAsync(httpContext);
        }
    }
}
