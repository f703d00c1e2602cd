using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Retrieval.Indexer.Server;

/// <summary>
/// The web page: plain HTML, CSS and JavaScript from src/Indexer/wwwroot, embedded in the assembly
/// (so the executable is all there is to deploy), held in memory and served with an ETag and
/// <c>no-cache</c> (browsers revalidate, so a new build is picked up at once).
/// </summary>
internal sealed class PageAssets
{
    private const string Prefix = "wwwroot/";

    private readonly FrozenDictionary<string, Asset> assets;

    private PageAssets(FrozenDictionary<string, Asset> assets) => this.assets = assets;

    /// <summary>Request paths served, e.g. "/", "/app.js".</summary>
    public IEnumerable<string> Paths => assets.Keys;

    public static PageAssets Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        var map = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = name[Prefix.Length..];
            var bytes = Read(assembly, name);
            var asset = new Asset(bytes, ContentType(file), new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) + "\""));
            map["/" + file] = asset;
            if (file == "index.html")
            {
                map["/"] = asset;
            }
        }

        if (!map.ContainsKey("/"))
        {
            throw new InvalidOperationException("The web page is missing from the build (wwwroot/index.html is not embedded); rebuild src/Indexer.");
        }

        return new PageAssets(map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IResult Serve(HttpContext context)
    {
        if (!assets.TryGetValue(context.Request.Path.Value ?? "/", out var asset))
        {
            return ApiProblems.NotFound($"Nothing at {ApiProblems.Shorten(context.Request.Path.Value)}; the page is at / and the API is described at /openapi.json.");
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            // The page loads only its own script, styles and images, and nobody may frame it.
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
            headers.XFrameOptions = "DENY";
        }

        return TypedResults.Bytes(asset.Bytes, asset.ContentType, entityTag: asset.ETag);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, EntityTagHeaderValue ETag);
}
