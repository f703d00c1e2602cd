using Microsoft.Data.Sqlite;
using Npgsql;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Store.Conformance;

/// <summary>
/// One fresh, empty index of one implementation for one test: the conformance suites run every
/// test against each target and expect the same outcome.
/// </summary>
public interface IStoreTarget : IAsyncDisposable
{
    /// <summary>Why this target cannot run here (PostgreSQL not installed); null when it can.</summary>
    string? SkipReason { get; }

    /// <summary>Opens (creating on first use) this test's index.</summary>
    Task<IIndexStore> OpenAsync(bool readOnly = false, bool rebuild = false);

    /// <summary>Rows whose owner is gone, looked at with the implementation's own SQL.</summary>
    Task<long> OrphansAsync();
}

/// <summary>The SQLite index in a temporary directory.</summary>
public sealed class SqliteStoreTarget : IStoreTarget
{
    private readonly TempIndexDirectory directory = new();

    public string? SkipReason => null;

    public string Path => directory.Path;

    public Task<IIndexStore> OpenAsync(bool readOnly = false, bool rebuild = false) =>
        Task.FromResult<IIndexStore>(directory.Open(readOnly, rebuild));

    public Task<long> OrphansAsync()
    {
        using var connection = new SqliteConnection($"Data Source={System.IO.Path.Combine(directory.Path, SqliteIndexOptions.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM lines WHERE image_id NOT IN (SELECT id FROM images))
                 + (SELECT count(*) FROM words WHERE line_id NOT IN (SELECT id FROM lines))
                 + (SELECT count(*) FROM embeddings WHERE image_id NOT IN (SELECT id FROM images))
                 + (SELECT count(*) FROM line_trigrams_docsize WHERE id NOT IN (SELECT id FROM lines))
                 + (SELECT count(*) FROM line_grams_docsize WHERE id NOT IN (SELECT id FROM lines))
            """;
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    public ValueTask DisposeAsync()
    {
        directory.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A database of its own on the shared test cluster, dropped afterwards.</summary>
public sealed class PostgresStoreTarget(PostgresCluster cluster) : IStoreTarget
{
    private readonly List<IIndexStore> opened = [];

    public string? SkipReason => cluster.SkipReason;

    /// <summary>The database's connection string, once created by the first open.</summary>
    public string? ConnectionString { get; private set; }

    public async Task<IIndexStore> OpenAsync(bool readOnly = false, bool rebuild = false)
    {
        ConnectionString ??= await cluster.CreateIndexDatabaseAsync();
        var store = await PostgresIndexStore.OpenAsync(Options() with { ReadOnly = readOnly, Rebuild = rebuild });
        opened.Add(store);
        return store;
    }

    public PostgresIndexOptions Options() => new() { ConnectionString = ConnectionString!, StatementTimeout = TimeSpan.FromSeconds(60), MaxPoolSize = 8 };

    public async Task<long> OrphansAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM lines WHERE image_id NOT IN (SELECT id FROM images))
                 + (SELECT count(*) FROM words WHERE line_id NOT IN (SELECT id FROM lines))
                 + (SELECT count(*) FROM embeddings WHERE image_id NOT IN (SELECT id FROM images))
                 + (SELECT count(*) FROM line_text WHERE line_id NOT IN (SELECT id FROM lines))
            """,
            connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in opened)
        {
            await store.DisposeAsync();
        }

        if (ConnectionString is not null && cluster.SkipReason is null)
        {
            await cluster.DropDatabaseAsync(ConnectionString);
        }
    }
}

/// <summary>
/// The base of every conformance suite: a fresh target per test. Each test starts with
/// <c>if (Skipped()) return;</c>, which prints why when the target cannot run here.
/// </summary>
public abstract class StoreConformanceTest(ITestOutputHelper output) : IAsyncLifetime
{
    private IStoreTarget? target;

    protected ITestOutputHelper Output { get; } = output;

    protected IStoreTarget Target => target!;

    public Task InitializeAsync()
    {
        target = CreateTarget();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (target is not null)
        {
            await target.DisposeAsync();
        }
    }

    protected abstract IStoreTarget CreateTarget();

    protected Task<IIndexStore> OpenAsync(bool readOnly = false, bool rebuild = false) => Target.OpenAsync(readOnly, rebuild);

    protected bool Skipped()
    {
        if (Target.SkipReason is { } reason)
        {
            Output.WriteLine($"Skipped: {reason}");
            return true;
        }

        return false;
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    protected static async Task<long> LineIdAsync(IIndexStore store, string path)
    {
        var image = await store.FindImageAsync(ImageKey.ForFile(path));
        return (await store.GetImageLinesAsync(image!.Id))[0].Id;
    }
}
