using System.Net;

namespace Retrieval.Indexer.Server;

/// <summary>
/// Reads the addresses Kestrel is told to listen on. Only a numeric loopback address or
/// <c>localhost</c> counts as loopback; wildcards (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>)
/// and host names may be reached from other machines.
/// </summary>
internal static class ServerUrls
{
    public static bool IsValid(string url) => Host(url) is { Length: > 0 } && Port(url) is >= 0 and <= 65_535;

    public static bool IsLoopback(string url)
    {
        var host = Host(url);
        if (host is null)
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The host part of <c>scheme://host:port/path</c>, IPv6 in brackets; null when the URL has no http(s) scheme.</summary>
    public static string? Host(string url)
    {
        var authority = Authority(url);
        if (authority is null)
        {
            return null;
        }

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? null : authority[..(close + 1)];
        }

        var colon = authority.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? authority : authority[..colon];
    }

    private static int? Port(string url)
    {
        var authority = Authority(url);
        var host = Host(url);
        if (authority is null || host is null)
        {
            return null;
        }

        var rest = authority[host.Length..];
        if (rest.Length == 0)
        {
            return url.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        }

        return rest[0] == ':' && int.TryParse(rest[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    private static string? Authority(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || !(url[..scheme].Equals("http", StringComparison.OrdinalIgnoreCase) || url[..scheme].Equals("https", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var rest = url[(scheme + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? rest : rest[..slash];
    }
}
