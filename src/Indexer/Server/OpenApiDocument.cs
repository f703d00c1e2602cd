using System.Text.Json.Nodes;

namespace Retrieval.Indexer.Server;

/// <summary>
/// The OpenAPI 3.1 description of the API, served at <c>/openapi.json</c>. Written here by hand (no
/// package): it states the limits this server runs with and whether it asks for a key, and a test
/// checks that it lists exactly the routes the server maps.
/// </summary>
internal static class OpenApiDocument
{
    public static JsonObject Create(ServeOptions options)
    {
        var limits = options.Limits;
        // JSON nodes have one parent each, so shared parts are made afresh for every use.
        JsonArray read() => options.ReadsNeedKey ? Key() : [];
        JsonArray write() => options.WritesNeedKey ? Key() : [];
        JsonNode id() => Param("id", "path", "An image id from /api/search.", new JsonObject { ["type"] = "integer", ["minimum"] = 1 }, required: true);
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "retrieval",
                ["version"] = "1",
                ["description"] = "Search images by the words they show. Errors are application/problem+json with a 'detail' saying what to do. "
                    + "Quads are four [x, y] corners clockwise from the top-left in the indexed image's pixels; paths are relative to the folder the image was indexed under.",
            },
            ["paths"] = new JsonObject
            {
                ["/api/search"] = new JsonObject
                {
                    ["get"] = Op("Ranked images showing the words or \"quoted phrases\" of q, best first.", read(), [
                        Param("q", "query", $"Words and \"quoted phrases\", case-insensitive; at most {limits.MaxQueryLength} characters.", Str(), required: true),
                        Param("top", "query", "Results to return.", Int(1, limits.MaxTop, limits.DefaultTop)),
                        Param("offset", "query", "Results to skip (paging).", Int(0, limits.MaxOffset, 0)),
                        Param("fusion", "query", "How the CLIP channel joins the text ranking when the index has CLIP embeddings: weighted, rrf or off (text only).", new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("off", "weighted", "rrf"), ["default"] = options.Fusion.Method.ToString().ToLowerInvariant() }),
                        Param("clipWeight", "query", "The CLIP channel's share of the fused score.", new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1, ["default"] = options.Fusion.ClipWeight }),
                    ], Ok("SearchPage"), [400]),
                },
                ["/api/images/{id}"] = new JsonObject
                {
                    ["get"] = Op("The original image file (with ETag and Last-Modified; range requests work); for a video frame, the frame as a JPEG extracted with ffmpeg.", read(), [id()], Binary("image/*"), [400, 403, 404, 503]),
                    ["delete"] = Op("Removes the image from the index (the file stays on disk).", write(), [id()], new JsonObject { ["204"] = Desc("Deleted.") }, [400, 401, 403, 404]),
                },
                ["/api/images/{id}/thumbnail"] = new JsonObject
                {
                    ["get"] = Op("A JPEG thumbnail, made with libvips and cached on disk; send If-None-Match with the ETag to get 304.", read(), [
                        id(),
                        Param("size", "query", "Longest side in pixels.", new JsonObject { ["type"] = "integer", ["enum"] = Ints(limits.ThumbnailSizes), ["default"] = limits.DefaultThumbnailSize }),
                    ], Binary("image/jpeg"), [400, 403, 404, 503]),
                },
                ["/api/images/{id}/video"] = new JsonObject
                {
                    ["get"] = Op("For a video frame: the video file it comes from, with ETag, Last-Modified and range requests (206), for playing it from the frame's time (video.url#t=seconds).", read(), [id()], Binary("video/*", "The video.", [206]), [400, 403, 404, 416]),
                },
                ["/api/images/{id}/text"] = new JsonObject
                {
                    ["get"] = Op("Every line and word read in the image, with quads, in reading order.", read(), [id()], Ok("ImageText"), [400, 404]),
                },
                ["/api/status"] = new JsonObject
                {
                    ["get"] = Op("Index size, recent failures and what the indexer is doing now.", read(), [], Ok("Status"), []),
                },
                ["/api/index"] = new JsonObject
                {
                    ["post"] = Op("Queues an incremental indexing run over a folder on the server; watch /api/status for progress.", write(), [], new JsonObject
                    {
                        ["202"] = Desc("Queued.", Ref("IndexAccepted")),
                    }, [400, 401, 403, 413, 415], Ref("IndexRequest")),
                },
            },
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = ApiKeyFilter.HeaderName },
                },
                ["schemas"] = OpenApiSchemas.Create(),
            },
        };
    }

    private static JsonObject Op(string summary, JsonArray security, JsonNode[] parameters, JsonObject responses, int[] errors, JsonObject? body = null)
    {
        foreach (var status in errors.Append(500).Concat(security.Count > 0 ? [401] : []).Distinct().Order())
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = "A problem (RFC 9457) whose detail says what to do.",
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref("Problem") } },
            };
        }

        var op = new JsonObject { ["summary"] = summary, ["security"] = security, ["parameters"] = new JsonArray(parameters), ["responses"] = responses };
        if (body is not null)
        {
            op["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = body } } };
        }

        return op;
    }

    private static JsonArray Key() => [new JsonObject { ["apiKey"] = new JsonArray() }];

    private static JsonNode Param(string name, string where, string description, JsonObject schema, bool required = false) =>
        new JsonObject { ["name"] = name, ["in"] = where, ["description"] = description, ["required"] = required, ["schema"] = schema };

    private static JsonObject Ok(string schema) => new() { ["200"] = Desc("OK", Ref(schema)) };

    private static JsonObject Binary(string mediaType, string description = "The image.", int[]? alsoOk = null)
    {
        JsonObject content() => new() { [mediaType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } } };
        var responses = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = description, ["content"] = content() },
            ["304"] = Desc("Not modified (If-None-Match matched the ETag)."),
        };
        foreach (var status in alsoOk ?? [])
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject { ["description"] = "The requested byte range (Range header).", ["content"] = content() };
        }

        return responses;
    }

    private static JsonObject Desc(string description, JsonObject? schema = null)
    {
        var response = new JsonObject { ["description"] = description };
        if (schema is not null)
        {
            response["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } };
        }

        return response;
    }

    internal static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    internal static JsonObject Str() => new() { ["type"] = "string" };

    private static JsonObject Int(int min, int max, int fallback) => new() { ["type"] = "integer", ["minimum"] = min, ["maximum"] = max, ["default"] = fallback };

    private static JsonArray Ints(IEnumerable<int> values) => new([.. values.Select(v => (JsonNode)v)]);
}
