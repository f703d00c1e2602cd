using Retrieval.Models.Text;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// Where the PostgreSQL index lives and how a node uses it. Indexer workers write through
/// <see cref="ConnectionString"/> (the primary); search nodes open it <see cref="ReadOnly"/> and may
/// read from replicas through <see cref="ReadConnectionString"/>. Both go through Npgsql's pool.
/// </summary>
public sealed record PostgresIndexOptions
{
    /// <summary>The primary (Npgsql connection string; <see cref="IndexStoreLocation"/> turns URLs into one).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Where reads go, e.g. a replica or a list of hosts; null reads from <see cref="ConnectionString"/>. A replica may lag behind the last write.</summary>
    public string? ReadConnectionString { get; init; }

    /// <summary>Open for reading only (a search node): writes throw, and sessions are read-only on the server too.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Clear every image, line and job (not the schema) when opening; id counters are kept so ids are never reused.</summary>
    public bool Rebuild { get; init; }

    /// <summary>The server cancels any single statement that runs longer (statement_timeout); zero disables it. Streams of the whole index run without it.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most candidate lines one <see cref="IIndexStore.CandidateLinesAsync"/> call returns, whatever limit it asks for.</summary>
    public int MaxCandidates { get; init; } = 10_000;

    /// <summary>
    /// Null (the default): candidates are exactly those of the SQLite store (every line sharing a gram
    /// with the term is counted). A value in (0, 1]: lines are first pruned inside the trigram index by
    /// pg_trgm word similarity (<c>readings %&gt; term</c>, pg_trgm.word_similarity_threshold), so a query
    /// touches only lines similar enough to the term; the survivors are ranked as in exact mode. Bounds
    /// the work of common or misread terms on very large indexes, at the price of dropping the least
    /// similar candidates (results then differ from SQLite). Terms of 1 or 2 characters stay exact.
    /// </summary>
    public double? WordSimilarityThreshold { get; init; }

    /// <summary>Connections each pool (write, read) may open; several workers or search threads share them.</summary>
    public int MaxPoolSize { get; init; } = 20;

    /// <summary>How long opening a connection may take before the server counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many lattice alternatives go into the candidate text per line (as for SQLite).</summary>
    public LatticeAlternativesOptions Alternatives { get; init; } = LatticeAlternativesOptions.Default;

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add($"{nameof(ConnectionString)} is empty; give --store postgres://user@host:port/database.");
        }

        if (ReadConnectionString is not null && string.IsNullOrWhiteSpace(ReadConnectionString))
        {
            errors.Add($"{nameof(ReadConnectionString)} is blank; leave it out to read from the primary.");
        }

        if (ReadOnly && Rebuild)
        {
            errors.Add($"{nameof(Rebuild)} needs a writable index; it cannot be combined with {nameof(ReadOnly)}.");
        }

        if (StatementTimeout < TimeSpan.Zero || StatementTimeout > TimeSpan.FromHours(24))
        {
            errors.Add($"{nameof(StatementTimeout)} must be between 0 (none) and 24 hours (got {StatementTimeout}).");
        }

        if (MaxCandidates < 1)
        {
            errors.Add($"{nameof(MaxCandidates)} must be at least 1 (got {MaxCandidates}).");
        }

        if (WordSimilarityThreshold is { } threshold && !(threshold is > 0 and <= 1))
        {
            errors.Add($"{nameof(WordSimilarityThreshold)} must be in (0, 1], or null for exact candidates (got {threshold}).");
        }

        if (MaxPoolSize is < 2 or > 1000)
        {
            errors.Add($"{nameof(MaxPoolSize)} must be between 2 and 1000 (got {MaxPoolSize}).");
        }

        if (ConnectTimeout < TimeSpan.FromSeconds(1) || ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{nameof(ConnectTimeout)} must be between 1 second and 10 minutes (got {ConnectTimeout}).");
        }

        if (Alternatives is null)
        {
            errors.Add($"{nameof(Alternatives)} is required.");
        }
        else
        {
            try
            {
                Alternatives.Validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL index options: " + string.Join(" ", errors));
        }
    }
}
