using Retrieval.Models.Native;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>
/// How <c>retrieval serve</c> runs: the index, where it listens, who may do what, and request limits.
/// Safe by default: it listens on 127.0.0.1 only; listening anywhere else needs an API key, which
/// then guards the write endpoints and (unless <see cref="PublicRead"/>) the read endpoints too.
/// </summary>
public sealed record ServeOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Where the key comes from when --api-key is not given (keeps it out of the process list).</summary>
    public const string ApiKeyVariable = "RETRIEVAL_API_KEY";

    public const int MinApiKeyLength = 16;

    public string IndexDirectory { get; init; } = SqliteIndexOptions.DefaultDirectory;

    /// <summary>
    /// Where the index lives when given as <c>--store</c> (a directory, a postgres:// URL or an Npgsql
    /// connection string, see <see cref="IndexStoreLocation"/>); wins over <see cref="IndexDirectory"/>.
    /// </summary>
    public string? Store { get; init; }

    /// <summary>PostgreSQL only: where searches read (a read replica); null reads from <see cref="Store"/>.</summary>
    public string? ReadStore { get; init; }

    /// <summary>PostgreSQL only: prune candidates by word similarity (see <c>PostgresIndexOptions.WordSimilarityThreshold</c>); null for exact candidates.</summary>
    public double? WordSimilarity { get; init; }

    /// <summary>The index location in effect: <see cref="Store"/>, else <see cref="IndexDirectory"/>.</summary>
    public string Location => Store ?? IndexDirectory;

    /// <summary>Addresses to listen on, as Kestrel takes them (http://127.0.0.1:5000, http://[::1]:0, http://*:8080).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>The key clients send in <c>X-Api-Key</c> (or <c>Authorization: Bearer</c>); null for none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Read endpoints need no key even when the server listens beyond loopback.</summary>
    public bool PublicRead { get; init; }

    /// <summary>Open the index read-only (another process writes it): no indexing, no deletes.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Folders kept indexed while the server runs.</summary>
    public IReadOnlyList<string> WatchFolders { get; init; } = [];

    /// <summary>Where thumbnails are cached; null for <c>thumbnails</c> inside the index directory.</summary>
    public string? ThumbnailDirectory { get; init; }

    public ServeLimits Limits { get; init; } = new();

    /// <summary>
    /// How searches fuse the CLIP channel in when the index has one (a registered model and its embeddings, loaded
    /// when the server starts); a request may choose another method or weight with <c>fusion</c> and <c>clipWeight</c>.
    /// </summary>
    public Retrieval.Search.Scoring.FusionOptions Fusion { get; init; } = Retrieval.Search.Scoring.FusionOptions.Default;

    /// <summary>True when some address is not a loopback one, so other machines can connect.</summary>
    public bool ListensBeyondLoopback => Urls.Any(u => !ServerUrls.IsLoopback(u));

    /// <summary>Whether read endpoints ask for the key.</summary>
    public bool ReadsNeedKey => ApiKey is not null && ListensBeyondLoopback && !PublicRead;

    /// <summary>Whether write endpoints ask for the key (always, once a key is set).</summary>
    public bool WritesNeedKey => ApiKey is not null;

    /// <summary>
    /// <see cref="ThumbnailDirectory"/>, else <c>thumbnails</c> inside a SQLite index directory, else (a
    /// PostgreSQL index has no directory here) <c>thumbnails</c> in the retrieval cache. Thumbnails are
    /// keyed by the file's path, length and time, so nodes or indexes sharing a folder never mix them up.
    /// </summary>
    public string ThumbnailCacheDirectory => ThumbnailDirectory ?? (TryParseLocation(Location)?.Kind == IndexStoreKind.Postgres
        ? Path.Combine(RetrievalCache.Directory, "thumbnails")
        : Path.Combine(Path.GetFullPath(Location), "thumbnails"));

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem at once, each with what to do.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Location))
        {
            errors.Add("The index location is empty: give it with --index DIR or --store LOCATION.");
        }
        else if (Store is not null)
        {
            ParseOrReport(errors, Store);
        }

        if (ReadStore is not null && ParseOrReport(errors, ReadStore) is { Kind: not IndexStoreKind.Postgres })
        {
            errors.Add("--read-store must be a PostgreSQL database (postgres://... or a connection string).");
        }

        if (ReadStore is not null && !string.IsNullOrWhiteSpace(Location) && TryParseLocation(Location) is { Kind: IndexStoreKind.Sqlite })
        {
            errors.Add("--read-store needs a PostgreSQL --store; a SQLite index is read where it is.");
        }

        if (WordSimilarity is { } similarity && !(similarity is > 0 and <= 1))
        {
            errors.Add($"--word-similarity must be in (0, 1], e.g. 0.5 (got {similarity.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (WordSimilarity is not null && !string.IsNullOrWhiteSpace(Location) && TryParseLocation(Location) is { Kind: IndexStoreKind.Sqlite })
        {
            errors.Add("--word-similarity needs a PostgreSQL --store; a SQLite index always uses exact candidates.");
        }

        if (Urls is null || Urls.Count == 0)
        {
            errors.Add($"No address to listen on: give --urls, e.g. {DefaultUrl}.");
        }
        else
        {
            errors.AddRange(Urls.Where(u => !ServerUrls.IsValid(u)).Select(u =>
                $"'{u}' is not an address to listen on: use http://HOST:PORT, e.g. {DefaultUrl} (port 0 picks a free one)."));
            errors.AddRange(Urls.Where(u => ServerUrls.IsValid(u) && ServerUrls.Host(u)!.Equals("localhost", StringComparison.OrdinalIgnoreCase) && u.TrimEnd('/').EndsWith(":0", StringComparison.Ordinal))
                .Select(u => $"'{u}': a free port (0) cannot be picked for localhost; use http://127.0.0.1:0."));
        }

        if (Urls is { Count: > 0 } && ApiKey is null && ListensBeyondLoopback)
        {
            errors.Add(
                $"The server would listen beyond this machine ({string.Join(", ", Urls.Where(u => !ServerUrls.IsLoopback(u)))}) without an API key: " +
                $"set one with --api-key or the {ApiKeyVariable} environment variable (at least {MinApiKeyLength} characters), or listen on {DefaultUrl} only.");
        }

        if (ApiKey is not null && (ApiKey.Length < MinApiKeyLength || ApiKey.Any(char.IsWhiteSpace)))
        {
            errors.Add($"The API key must be at least {MinApiKeyLength} characters without spaces (e.g. from `openssl rand -hex 24`).");
        }

        if (ReadOnly && WatchFolders.Count > 0)
        {
            errors.Add("--watch needs a writable index; drop --read-only (or run `retrieval watch` in another process).");
        }

        if (WatchFolders.FirstOrDefault(f => !Directory.Exists(f)) is { } missing)
        {
            errors.Add($"The folder to watch '{missing}' does not exist.");
        }

        try
        {
            Limits.Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add(e.Message);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Cannot start the server: " + string.Join(" ", errors));
        }
    }

    /// <summary>The parsed location, or null after adding why it cannot be read to <paramref name="errors"/>.</summary>
    private static IndexStoreLocation? ParseOrReport(List<string> errors, string location)
    {
        try
        {
            return IndexStoreLocation.Parse(location);
        }
        catch (ArgumentException e)
        {
            errors.Add(e.Message);
            return null;
        }
    }

    private static IndexStoreLocation? TryParseLocation(string location)
    {
        try
        {
            return IndexStoreLocation.Parse(location);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>Limits on what one request may ask for; a request beyond them gets 400 with the limit in the message.</summary>
public sealed record ServeLimits
{
    /// <summary>Characters in a query.</summary>
    public int MaxQueryLength { get; init; } = 256;

    /// <summary>Results when <c>top</c> is not given.</summary>
    public int DefaultTop { get; init; } = 24;

    /// <summary>Largest <c>top</c>.</summary>
    public int MaxTop { get; init; } = 100;

    /// <summary>Largest <c>offset</c>: paging that deep is a crawl, not a search.</summary>
    public int MaxOffset { get; init; } = 10_000;

    /// <summary>Bytes in a request body (only small JSON bodies are accepted).</summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024;

    /// <summary>Thumbnail sizes served (the longest side in pixels); a fixed set keeps the disk cache bounded.</summary>
    public IReadOnlyList<int> ThumbnailSizes { get; init; } = [128, 256, 320, 512, 1024];

    public int DefaultThumbnailSize { get; init; } = 320;

    /// <summary>Thumbnails made at once; more requests wait (libvips uses the cores anyway).</summary>
    public int MaxConcurrentThumbnails { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Failed images listed by /api/status.</summary>
    public int FailuresListed { get; init; } = 20;

    public void Validate()
    {
        var errors = new List<string>();
        if (MaxQueryLength is < 1 or > 10_000)
        {
            errors.Add("MaxQueryLength must be 1..10000.");
        }

        if (MaxTop is < 1 or > 10_000 || DefaultTop < 1 || DefaultTop > MaxTop)
        {
            errors.Add("MaxTop must be 1..10000 and DefaultTop 1..MaxTop.");
        }

        if (MaxOffset is < 0 or > 1_000_000)
        {
            errors.Add("MaxOffset must be 0..1000000.");
        }

        if (MaxRequestBodyBytes is < 1024 or > 1024 * 1024)
        {
            errors.Add("MaxRequestBodyBytes must be 1 KiB..1 MiB.");
        }

        if (ThumbnailSizes is null || ThumbnailSizes.Count == 0 || ThumbnailSizes.Any(s => s is < 16 or > 4096) || !ThumbnailSizes.Contains(DefaultThumbnailSize))
        {
            errors.Add("ThumbnailSizes must be 16..4096 pixels and contain DefaultThumbnailSize.");
        }

        if (MaxConcurrentThumbnails is < 1 or > 256)
        {
            errors.Add("MaxConcurrentThumbnails must be 1..256.");
        }

        if (FailuresListed is < 0 or > 1000)
        {
            errors.Add("FailuresListed must be 0..1000.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid server limits: " + string.Join(" ", errors));
        }
    }
}
