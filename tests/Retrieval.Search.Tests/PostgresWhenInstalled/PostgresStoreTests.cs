using System.Net;
using System.Net.Sockets;
using Npgsql;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>What only the PostgreSQL store has: migrations, connection errors, timeouts, replicas, candidate bounds.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<string> databases = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in databases)
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task An_old_schema_is_refused_until_migrate_brings_it_to_the_current_version_keeping_its_data()
    {
        if (Skipped())
        {
            return;
        }

        var database = await DatabaseAsync();
        await using (var source = NpgsqlDataSource.Create(database))
        {
            (await PostgresMigrations.ApplyAsync(source, "test", targetVersion: 1, CancellationToken.None)).Should().Be(new MigrationResult("test", 0, 1));
        }

        await ExecuteAsync(database, "INSERT INTO images (path, frame_ticks, kind, root, size, modified_ticks, width, height, status, indexed_ticks) VALUES ('/photos/old.jpg', -1, 0, '/photos', 1, 0, 1, 1, 0, 0)");

        var open = () => PostgresIndexStore.OpenAsync(Options(database));
        var error = (await open.Should().ThrowAsync<IndexVersionMismatchException>()).Which;
        error.FoundVersion.Should().Be(1);
        error.ExpectedVersion.Should().Be(PostgresMigrations.LatestVersion);
        error.Message.Should().Contain("retrieval store migrate --store postgresql://postgres@127.0.0.1:");
        output.WriteLine(error.Message);
        await ((Func<Task>)(() => PostgresIndexStore.OpenAsync(Options(database) with { ReadOnly = true }))).Should().ThrowAsync<IndexVersionMismatchException>();

        var migrated = await PostgresMigrations.ApplyAsync(database);

        migrated.Should().BeEquivalentTo(new { FromVersion = 1, ToVersion = PostgresMigrations.LatestVersion, Changed = true });
        (await PostgresMigrations.ApplyAsync(database)).Changed.Should().BeFalse();
        await using var store = await PostgresIndexStore.OpenAsync(Options(database));
        (await store.FindImageAsync(ImageKey.ForFile("/photos/old.jpg"))).Should().NotBeNull();
        (await store.GetInfoAsync()).SchemaVersion.Should().Be(PostgresMigrations.LatestVersion);
    }

    [Fact]
    public async Task A_newer_schema_is_refused_by_stores_and_by_migrate()
    {
        if (Skipped())
        {
            return;
        }

        var database = await DatabaseAsync();
        await PostgresMigrations.ApplyAsync(database);
        await ExecuteAsync(database, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");

        var open = () => PostgresIndexStore.OpenAsync(Options(database) with { ReadOnly = true });
        var migrate = () => PostgresMigrations.ApplyAsync(database);

        (await open.Should().ThrowAsync<IndexVersionMismatchException>()).Which.Message.Should().Contain("99").And.Contain("Upgrade retrieval");
        (await migrate.Should().ThrowAsync<IndexVersionMismatchException>()).Which.FoundVersion.Should().Be(99);
    }

    [Fact]
    public async Task An_empty_database_is_set_up_by_a_writable_open_but_not_by_a_read_only_one()
    {
        if (Skipped())
        {
            return;
        }

        var database = await DatabaseAsync();

        var readOnly = () => PostgresIndexStore.OpenAsync(Options(database) with { ReadOnly = true });
        (await readOnly.Should().ThrowAsync<IndexNotFoundException>()).Which.Message.Should().Contain("retrieval store migrate");

        await using (var writer = await PostgresIndexStore.OpenAsync(Options(database)))
        {
            (await writer.GetInfoAsync()).SchemaVersion.Should().Be(PostgresMigrations.LatestVersion);
        }

        await using var reader = await PostgresIndexStore.OpenAsync(Options(database) with { ReadOnly = true });
        (await reader.GetCountsAsync()).Images.Should().Be(0);
    }

    [Fact]
    public void Locations_are_read_as_directories_urls_or_connection_strings_and_bad_ones_say_what_is_accepted()
    {
        var url = IndexStoreLocation.Parse("postgres://indexer:s%40cret@db.example:6543/images?sslmode=disable&application_name=worker");
        url.Kind.Should().Be(IndexStoreKind.Postgres);
        url.Display.Should().Be("postgresql://indexer@db.example:6543/images").And.NotContain("cret");
        var builder = new NpgsqlConnectionStringBuilder(url.Value);
        (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database, builder.SslMode, builder.ApplicationName)
            .Should().Be(("db.example", 6543, "indexer", "s@cret", "images", SslMode.Disable, "worker"));

        var connectionString = IndexStoreLocation.Parse("Host=db;Username=u;Password=p;Database=d");
        connectionString.Should().BeEquivalentTo(new { Kind = IndexStoreKind.Postgres, Display = "postgresql://u@db:5432/d" });
        IndexStoreLocation.Parse("index-data").Should().Be(new IndexStoreLocation(IndexStoreKind.Sqlite, Path.GetFullPath("index-data"), Path.GetFullPath("index-data")));

        foreach (var (bad, expected) in new[]
        {
            ("postgres://u@db:port/d", "numeric port"),
            ("postgres://u@db/d?sslmod=require", "'sslmod' is not supported"),
            ("Host=db;Passwrd=p;Database=d", "passwrd"),
            ("Username=u;Database=d", "names no host"),
            (" ", "empty"),
        })
        {
            var act = () => IndexStoreLocation.Parse(bad);
            act.Should().Throw<ArgumentException>().Which.Message.Should().ContainEquivalentOf(expected);
        }

        ((Action)(() => IndexStoreLocation.Parse("Host=db;Password=hunter2;Bogus=1"))).Should().Throw<ArgumentException>().Which.Message.Should().NotContain("hunter2");
    }

    [Fact]
    public async Task An_unreachable_server_is_an_unavailable_error_naming_host_and_port()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var act = () => IndexStoreFactory.OpenAsync($"postgres://retrieval@127.0.0.1:{port}/index", readOnly: true, rebuild: false);

        var error = (await act.Should().ThrowAsync<IndexUnavailableException>()).Which;
        output.WriteLine(error.Message);
        error.Message.Should().Contain($"127.0.0.1:{port}").And.Contain("server is running");
        error.Location.Should().Be($"postgresql://retrieval@127.0.0.1:{port}/index");
    }

    [Fact]
    public async Task A_missing_database_and_an_unknown_user_are_named_in_the_errors()
    {
        if (Skipped())
        {
            return;
        }

        var missing = () => PostgresIndexStore.OpenAsync(Options(cluster.ConnectionString("no_such_database")));
        var nobody = () => PostgresIndexStore.OpenAsync(Options(cluster.ConnectionString("postgres").Replace("Username=postgres", "Username=nobody", StringComparison.Ordinal)));

        var notFound = (await missing.Should().ThrowAsync<IndexNotFoundException>()).Which;
        notFound.Message.Should().Contain("no_such_database").And.Contain("createdb");
        (await nobody.Should().ThrowAsync<IndexAccessException>()).Which.Message.Should().Contain("refused the login").And.Contain("nobody");
        output.WriteLine(notFound.Message);
    }

    [Fact]
    public async Task A_statement_past_the_statement_timeout_is_cancelled_with_an_error_that_says_so()
    {
        if (Skipped())
        {
            return;
        }

        var database = await DatabaseAsync();
        await using var store = await PostgresIndexStore.OpenAsync(Options(database) with { StatementTimeout = TimeSpan.FromMilliseconds(300) });
        await using var blocker = new NpgsqlConnection(database + ";Pooling=false");
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE images IN ACCESS EXCLUSIVE MODE", blocker, transaction).ExecuteNonQueryAsync();

        var act = () => store.GetCountsAsync();

        (await act.Should().ThrowAsync<IndexStoreException>()).Which.Message.Should().Contain("statement timeout");
        await transaction.RollbackAsync();
        (await store.GetCountsAsync()).Images.Should().Be(0);
    }

    [Fact]
    public async Task Candidates_are_bounded_by_the_option_whatever_limit_is_asked()
    {
        if (Skipped())
        {
            return;
        }

        var database = await DatabaseAsync();
        await using var store = await PostgresIndexStore.OpenAsync(Options(database) with { MaxCandidates = 3 });
        await store.WriteAsync(Enumerable.Range(0, 10).Select(i => Image($"/photos/{i}.jpg", $"sale {i}")).ToList());

        (await store.CandidateLinesAsync("sale", 100)).Should().HaveCount(3);
        (await store.CandidateLinesAsync("sal", 100)).Should().HaveCount(3);
        (await store.CandidateLinesAsync("s", 2)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Word_similarity_pruning_keeps_the_similar_lines_ranked_as_in_exact_mode_and_drops_the_rest()
    {
        if (Skipped())
        {
            return;
        }

        var database = await DatabaseAsync();
        await using var exact = await PostgresIndexStore.OpenAsync(Options(database));
        await exact.WriteAsync(
        [
            Image("/photos/a.jpg", "restaurant"),
            Image("/photos/b.jpg", "restaunant open"),
            Image("/photos/c.jpg", "rest area"),
            Image("/photos/d.jpg", "nothing alike"),
            Image("/photos/e.jpg", "中国银行"),
        ]);
        await using var pruned = await PostgresIndexStore.OpenAsync(Options(database) with { ReadOnly = true, WordSimilarityThreshold = 0.4 });

        var all = await exact.CandidateLinesAsync("restaurant", 10);
        var similar = await pruned.CandidateLinesAsync("restaurant", 10);

        all.Should().HaveCount(3);
        similar.Should().Equal(all.Take(2), "the exact and the misread line are similar enough; 'rest area' is not");
        (await pruned.CandidateLinesAsync("银", 10)).Should().Equal(await exact.CandidateLinesAsync("银", 10), "1- and 2-character terms stay exact");
        var invalid = () => PostgresIndexStore.OpenAsync(Options(database) with { WordSimilarityThreshold = 1.5 });
        (await invalid.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("WordSimilarityThreshold");
    }

    [Fact]
    public async Task Reads_go_to_the_read_connection_string_and_writes_to_the_primary()
    {
        if (Skipped())
        {
            return;
        }

        // The "replica" is another database with other content, so where each call went shows.
        var primary = await DatabaseAsync();
        var replica = await DatabaseAsync();
        await using (var seed = await PostgresIndexStore.OpenAsync(Options(replica)))
        {
            await seed.WriteAsync([Image("/photos/on-replica.jpg", "replica")]);
        }

        await using var store = await PostgresIndexStore.OpenAsync(Options(primary) with { ReadConnectionString = replica });
        await store.WriteAsync([Image("/photos/on-primary.jpg", "primary"), Image("/photos/second.jpg", "primary")]);

        (await store.GetCountsAsync()).Images.Should().Be(1);
        (await store.FindImageAsync(ImageKey.ForFile("/photos/on-replica.jpg"))).Should().NotBeNull();
        await using var direct = await PostgresIndexStore.OpenAsync(Options(primary) with { ReadOnly = true });
        (await direct.GetCountsAsync()).Images.Should().Be(2);
    }

    private static PostgresIndexOptions Options(string connectionString) => new() { ConnectionString = connectionString, MaxPoolSize = 4 };

    private async Task<string> DatabaseAsync()
    {
        var database = await cluster.CreateDatabaseAsync();
        databases.Add(database);
        return database;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    private bool Skipped()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return true;
        }

        return false;
    }
}
