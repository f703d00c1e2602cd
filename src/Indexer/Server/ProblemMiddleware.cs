using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>
/// Turns exceptions that escape an endpoint into problem responses: a request Kestrel refused (body
/// too large, malformed) keeps its status, an unusable index is 503 with the store's message (which
/// says what to do), anything else is a logged 500 whose message points to the log. A request the
/// client abandoned gets no answer.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ServeOptions options, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (status, title, detail) = Describe(e);
            if (status >= 500)
            {
                LogFailed(logger, context.Request.Method, context.Request.Path, e);
            }

            context.Response.Clear();
            await ApiProblems.Problem(status, title, detail).ExecuteAsync(context);
        }
    }

    private (int Status, string Title, string Detail) Describe(Exception e) => e switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "Request body too large", $"The request body is over the limit of {options.Limits.MaxRequestBodyBytes} bytes; the API only takes small JSON bodies."),
        BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
        IndexStoreException store => (StatusCodes.Status503ServiceUnavailable, "Index unavailable", store.Message),
        FfmpegNotFoundException ffmpeg => (StatusCodes.Status503ServiceUnavailable, "ffmpeg not found", $"Showing video frames needs ffmpeg: {ffmpeg.Message}"),
        FrameExtractionException frame => (StatusCodes.Status500InternalServerError, "Video frame cannot be extracted", frame.Message),
        ImageDecodeException decode => (StatusCodes.Status500InternalServerError, "Image cannot be read", $"The image file cannot be read ({decode.Kind}: {decode.Detail}); re-index it or remove it from the index."),
        _ => (StatusCodes.Status500InternalServerError, "Server error", "An unexpected error happened; the server log has the details."),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, string method, string path, Exception exception);
}
