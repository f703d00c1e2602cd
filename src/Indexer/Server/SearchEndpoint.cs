using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retrieval.Indexer.Output;
using Retrieval.Search;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>
/// <c>GET /api/search?q=&amp;top=&amp;offset=&amp;fusion=&amp;clipWeight=</c>: one page of ranked images from the
/// <see cref="Searcher"/> (the single place ranking happens, as for the CLI), each with the words
/// that matched and where they are.
/// </summary>
internal static class SearchEndpoint
{
    /// <summary>Matches listed per result; an image with more is still ranked by all of them.</summary>
    public const int MaxMatchesPerResult = 24;

    public static async Task<Results<Ok<SearchPageJson>, ProblemHttpResult>> HandleAsync(HttpRequest request, SearchService search, ServeOptions options, CancellationToken cancellationToken)
    {
        var limits = options.Limits;
        var query = request.Query["q"].ToString();
        if (string.IsNullOrWhiteSpace(query))
        {
            return ApiProblems.BadRequest("The query is empty: give words to look for in 'q', e.g. /api/search?q=exit or q=\"emergency exit\" for a phrase.");
        }

        if (query.Length > limits.MaxQueryLength)
        {
            return ApiProblems.BadRequest($"The query is {query.Length} characters long; the limit is {limits.MaxQueryLength}. Search for fewer or shorter words.");
        }

        if (!RequestValues.TryInt(request, "top", limits.DefaultTop, 1, limits.MaxTop, out var top, out var problem)
            || !RequestValues.TryInt(request, "offset", 0, 0, limits.MaxOffset, out var offset, out problem))
        {
            return problem!;
        }

        if (!TryFusion(request, options.Fusion, out var fusion, out problem))
        {
            return problem!;
        }

        SearchResponse response;
        try
        {
            response = await search.SearchAsync(query, top, offset, fusion, cancellationToken);
        }
        catch (QueryException e)
        {
            return ApiProblems.BadRequest(e.Message);
        }

        var results = response.Hits.Select(Item).ToList();
        var method = response.Fusion == FusionMethod.Off ? null : response.Fusion.ToString().ToLowerInvariant();
        return TypedResults.Ok(new SearchPageJson(query, response.TotalMatches, offset, top, Math.Round(response.Elapsed.TotalMilliseconds, 2), results, method));
    }

    public static SearchItemJson Item(SearchHit hit)
    {
        var image = hit.Image;
        var matches = hit.Matches
            .Take(MaxMatchesPerResult)
            .Select(m => new MatchJson(m.Text, Quads.ToJson(m.Box), Math.Round(m.Score, 4), m.QueryText))
            .ToList();
        return new SearchItemJson(
            image.Id,
            ImageFileGuard.RelativePath(image),
            ImageFileGuard.RootName(image),
            Math.Round(hit.Score, 4),
            image.Width,
            image.Height,
            matches,
            Video(image),
            $"/api/images/{image.Id}",
            $"/api/images/{image.Id}/thumbnail",
            SearchOutput.Channels(hit.Channels));
    }

    /// <summary>The request's <c>fusion</c> (off, weighted, rrf) and <c>clipWeight</c> (0..1) over the server's defaults.</summary>
    private static bool TryFusion(HttpRequest request, FusionOptions defaults, out FusionOptions fusion, out ProblemHttpResult? problem)
    {
        fusion = defaults;
        problem = null;
        var method = request.Query["fusion"].ToString();
        if (method.Length > 0)
        {
            FusionMethod? parsed = method.ToUpperInvariant() switch
            {
                "OFF" => FusionMethod.Off,
                "WEIGHTED" => FusionMethod.Weighted,
                "RRF" => FusionMethod.Rrf,
                _ => null,
            };
            if (parsed is null)
            {
                problem = ApiProblems.BadRequest($"'fusion' must be off, weighted or rrf, not '{ApiProblems.Shorten(method)}'.");
                return false;
            }

            fusion = fusion with { Method = parsed.Value };
        }

        var weight = request.Query["clipWeight"].ToString();
        if (weight.Length > 0)
        {
            if (!double.TryParse(weight, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var w) || w is < 0 or > 1 || double.IsNaN(w))
            {
                problem = ApiProblems.BadRequest($"'clipWeight' must be a number from 0 to 1, not '{ApiProblems.Shorten(weight)}'.");
                return false;
            }

            fusion = fusion with { ClipWeight = w };
        }

        return true;
    }


    public static VideoFrameJson? Video(StoredImage image) => image.Key.FrameTime is { } time
        ? new VideoFrameJson(ImageFileGuard.RelativePath(image), Math.Round(time.TotalSeconds, 3), image.FrameSpan?.Start.TotalSeconds, image.FrameSpan?.End.TotalSeconds, $"/api/images/{image.Id}/video")
        : null;
}
