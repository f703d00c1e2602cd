using System.Globalization;
using Npgsql;

namespace Retrieval.Search.Store;

/// <summary>Which implementation of <see cref="IIndexStore"/> a location names.</summary>
public enum IndexStoreKind
{
    /// <summary>A directory holding the SQLite index file.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database.</summary>
    Postgres,
}

/// <summary>
/// Where an index lives, as given to <c>--store</c>: a directory (SQLite), a
/// <c>postgres://user[:password]@host[:port]/database[?sslmode=...]</c> URL, or an Npgsql connection
/// string (<c>Host=...;Database=...</c>; anything with both '=' and ';' is read as one).
/// <see cref="Value"/> is the full directory path or the Npgsql connection string;
/// <see cref="Display"/> is safe to print (no password).
/// </summary>
public sealed record IndexStoreLocation(IndexStoreKind Kind, string Value, string Display)
{
    private static readonly Dictionary<string, string> UrlParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["search_path"] = "Search Path",
        ["host"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
    };

    /// <summary>Reads a location.</summary>
    /// <exception cref="ArgumentException">A URL or connection string that cannot be read; the message says what is wrong and shows the accepted forms.</exception>
    public static IndexStoreLocation Parse(string location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new ArgumentException($"The index location is empty. {Forms}", nameof(location));
        }

        var trimmed = location.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(FromUrl(trimmed));
        }

        if (trimmed.Contains('=', StringComparison.Ordinal) && trimmed.Contains(';', StringComparison.Ordinal))
        {
            return Postgres(trimmed);
        }

        var directory = Path.GetFullPath(trimmed);
        return new IndexStoreLocation(IndexStoreKind.Sqlite, directory, directory);
    }

    /// <summary>A PostgreSQL location from an Npgsql connection string.</summary>
    /// <exception cref="ArgumentException">The connection string cannot be read or names no host.</exception>
    public static IndexStoreLocation Postgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException($"'{Redact(connectionString)}' is not a valid PostgreSQL connection string: {e.Message} {Forms}", nameof(connectionString), e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"The PostgreSQL connection string names no host. {Forms}", nameof(connectionString));
        }

        return new IndexStoreLocation(IndexStoreKind.Postgres, builder.ConnectionString, Describe(builder));
    }

    /// <summary>How a PostgreSQL database is shown in messages: <c>postgresql://user@host:port/database</c>.</summary>
    internal static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        var user = string.IsNullOrEmpty(builder.Username) ? string.Empty : builder.Username + "@";
        var database = string.IsNullOrEmpty(builder.Database) ? "(default database)" : builder.Database;
        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{user}{builder.Host}:{builder.Port}/{database}");
    }

    private const string Forms = "Give --store a directory (SQLite), postgres://user[:password]@host[:port]/database, or an Npgsql connection string such as Host=db;Port=5432;Username=retrieval;Database=retrieval.";

    private static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{RedactUrl(url)}' is not a valid PostgreSQL URL (check the host and a numeric port). {Forms}", nameof(url));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!UrlParameters.TryGetValue(name, out var keyword))
            {
                throw new ArgumentException($"The PostgreSQL URL parameter '{name}' is not supported; use one of {string.Join(", ", UrlParameters.Keys)}, or give an Npgsql connection string.", nameof(url));
            }

            try
            {
                builder[keyword] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new ArgumentException($"The PostgreSQL URL parameter {name}={value} is invalid: {e.Message}", nameof(url), e);
            }
        }

        return builder.ConnectionString;
    }

    private static string Redact(string connectionString)
    {
        var parts = connectionString.Split(';');
        for (var i = 0; i < parts.Length; i++)
        {
            var key = parts[i].Split('=', 2)[0].Trim();
            if (key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = key + "=***";
            }
        }

        return string.Join(';', parts);
    }

    private static string RedactUrl(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var colon = at < 0 ? -1 : url.IndexOf(':', scheme);
        return colon > 0 && colon < at ? url[..(colon + 1)] + "***" + url[at..] : url;
    }
}
