using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Retrieval.Indexer.Server;

/// <summary>Whether an endpoint reads the index or changes it; writes are guarded more strictly.</summary>
internal enum ApiAccess
{
    Read = 0,
    Write = 1,
}

/// <summary>
/// Guards endpoints with the server's API key (<see cref="ServeOptions.WritesNeedKey"/>,
/// <see cref="ServeOptions.ReadsNeedKey"/>). The key comes in <c>X-Api-Key</c> or
/// <c>Authorization: Bearer</c>; for reads also in the <c>retrieval-key</c> cookie, so the page's
/// &lt;img&gt; requests carry it. Writes never accept the cookie, so another site cannot make a browser
/// send one (and they need a JSON body or DELETE, which cross-site forms cannot send without CORS).
/// Keys are compared in constant time.
/// </summary>
internal sealed class ApiKeyFilter : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "retrieval-key";

    private readonly ApiAccess access;
    private readonly ServeOptions options;
    private readonly byte[]? keyHash;

    public ApiKeyFilter(ApiAccess access, ServeOptions options)
    {
        this.access = access;
        this.options = options;
        keyHash = options.ApiKey is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey));
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (access == ApiAccess.Write && options.ReadOnly)
        {
            return ApiProblems.Forbidden("The server was started with --read-only, so the index cannot be changed through it; restart it without --read-only.");
        }

        var needed = access == ApiAccess.Write ? options.WritesNeedKey : options.ReadsNeedKey;
        if (!needed || keyHash is null)
        {
            return await next(context);
        }

        var request = context.HttpContext.Request;
        var given = Presented(request, allowCookie: access == ApiAccess.Read);
        if (given is null)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiProblems.Unauthorized($"This endpoint needs the server's API key: send it in the {HeaderName} header or as 'Authorization: Bearer KEY'.");
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), keyHash))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return ApiProblems.Unauthorized("The API key is wrong: use the key the server was started with (--api-key or RETRIEVAL_API_KEY).");
        }

        return await next(context);
    }

    private static string? Presented(HttpRequest request, bool allowCookie)
    {
        if (request.Headers[HeaderName] is [{ Length: > 0 } header])
        {
            return header;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }

        return allowCookie && request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0 ? Uri.UnescapeDataString(cookie) : null;
    }
}
