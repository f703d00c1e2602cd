using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Retrieval.Indexer.Server;

/// <summary>
/// <c>POST /api/index</c> with <c>{"path": "/full/path/to/folder"}</c>: queues an incremental indexing
/// run over a folder (or one image file) on this machine; progress shows in /api/status. A JSON
/// body is required, so a cross-site form cannot trigger it.
/// </summary>
internal static class IndexEndpoint
{
    public static async Task<IResult> HandleAsync(HttpRequest request, IIndexingControl indexing, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType("Send the folder as JSON with 'Content-Type: application/json', e.g. {\"path\": \"/photos/2024\"}.");
        }

        IndexRequestJson? body;
        try
        {
            body = await request.ReadFromJsonAsync(ApiJsonContext.Default.IndexRequestJson, cancellationToken);
        }
        catch (JsonException e)
        {
            return ApiProblems.BadRequest($"The body is not valid JSON ({e.Message}); send {{\"path\": \"/photos/2024\"}}.");
        }

        var path = body?.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            return ApiProblems.BadRequest("Give the folder to index in 'path', e.g. {\"path\": \"/photos/2024\"}.");
        }

        if (!Path.IsPathFullyQualified(path))
        {
            return ApiProblems.BadRequest($"'{ApiProblems.Shorten(path)}' is not a full path; give the folder from the root of the server's file system, e.g. /photos/2024.");
        }

        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full) && !File.Exists(full))
        {
            return ApiProblems.BadRequest($"'{ApiProblems.Shorten(full)}' does not exist on the server; give a folder (or image file) the server can read.");
        }

        if (!indexing.Enabled)
        {
            return ApiProblems.Forbidden("This server does not index; restart it without --read-only.");
        }

        if (indexing.Enqueue(full) is not { } position)
        {
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "Indexing queue full", $"{PipelineIndexing.MaxPendingFolders} folders are already waiting to be indexed; try again when /api/status shows fewer.");
        }

        return TypedResults.Accepted("/api/status", new IndexAcceptedJson(full, position));
    }
}
