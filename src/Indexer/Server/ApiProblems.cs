using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Retrieval.Indexer.Server;

/// <summary>
/// Every error the API returns is <c>application/problem+json</c> (RFC 9457) whose <c>detail</c>
/// tells a person what went wrong and what to do about it; these helpers keep titles and codes uniform.
/// </summary>
internal static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "API key required", detail);

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    public static ProblemHttpResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Index unavailable", detail);

    public static ProblemHttpResult Failed(string detail) => Problem(StatusCodes.Status500InternalServerError, "Server error", detail);

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>The image id from the route, or a 400 that says what an id looks like.</summary>
    public static bool TryParseId(string text, out long id, out ProblemHttpResult? problem)
    {
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0)
        {
            problem = null;
            return true;
        }

        problem = BadRequest($"'{Shorten(text)}' is not an image id: ids are positive whole numbers, as /api/search returns them.");
        return false;
    }

    /// <summary>Echoes client input into messages without letting it flood them.</summary>
    public static string Shorten(string? text, int max = 80) => text is null ? string.Empty : text.Length <= max ? text : text[..max] + "…";
}
