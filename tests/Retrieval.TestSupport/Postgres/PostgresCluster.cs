using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Retrieval.Search.Store.Postgres;
using Xunit;

namespace Retrieval.TestSupport.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: initdb in a temporary directory, a server on a free
/// loopback port with trust authentication and durability off (fsync, synchronous_commit), stopped
/// and deleted on dispose. No system service is used. Binaries come from RETRIEVAL_PG_BIN, else the
/// newest /usr/lib/postgresql/N/bin (N >= 15, Debian's postgresql-15). As root the server runs as the
/// `postgres` system user (PostgreSQL refuses to run as root). When the binaries are missing,
/// <see cref="SkipReason"/> says so and tests return early printing it, unless
/// RETRIEVAL_REQUIRE_POSTGRES=1 (CI: tools/test.sh sets it after installing postgresql-15), which turns
/// the missing cluster into a failure of every test that needs it.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    public const string BinEnvironmentVariable = "RETRIEVAL_PG_BIN";

    /// <summary>Set to 1 where PostgreSQL must be there (CI): a cluster that cannot start fails the tests instead of skipping them.</summary>
    public const string RequireEnvironmentVariable = "RETRIEVAL_REQUIRE_POSTGRES";
    private const string SystemUser = "postgres";

    private const string IndexTemplate = "retrieval_index_template";

    private readonly SemaphoreSlim templateLock = new(1, 1);
    private bool templateReady;
    private string? bin;
    private string? root;
    private bool asRoot;

    /// <summary>Why the cluster is not there (binaries missing); null when it runs.</summary>
    public string? SkipReason { get; private set; }

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(root!, "data");

    /// <summary>The connection string of <paramref name="database"/> on this cluster, as the superuser.</summary>
    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=10");

    public async Task InitializeAsync()
    {
        bin = FindBinaries();
        if (bin is null)
        {
            Skip($"PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql-15 (apt-get install -y postgresql-15) or set {BinEnvironmentVariable}.");
            return;
        }

        asRoot = Environment.UserName == "root";
        if (asRoot && !await SucceedsAsync("id", SystemUser))
        {
            Skip($"Running as root and there is no '{SystemUser}' user to run PostgreSQL as (PostgreSQL refuses to run as root).");
            return;
        }

        root = Path.Combine(Path.GetTempPath(), $"retrieval-pg-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(root);
        if (asRoot)
        {
            await RunAsync("chown", SystemUser, root);
        }

        var locale = await SucceedsAsync("sh", "-c", "locale -a | grep -qiE '^C\\.utf-?8$'") ? "C.UTF-8" : "C";
        await RunServerToolAsync("initdb", "-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", $"--locale={locale}", "-N");
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The port was taken between choosing and binding it; choose again.
            }
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N");
        await AdminAsync($"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    /// <summary>
    /// Creates a database that already holds an empty index at the current schema version (copied
    /// from a template migrated once per cluster, which is faster than migrating every database).
    /// </summary>
    public async Task<string> CreateIndexDatabaseAsync()
    {
        await templateLock.WaitAsync();
        try
        {
            if (!templateReady)
            {
                await PostgresMigrations.ApplyAsync(await CreateDatabaseAsync(IndexTemplate));
                templateReady = true;
            }
        }
        finally
        {
            templateLock.Release();
        }

        var name = "t_" + Guid.NewGuid().ToString("N");
        await AdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE {IndexTemplate}");
        return ConnectionString(name);
    }

    /// <summary>Drops a database even while clients are connected to it.</summary>
    public Task DropDatabaseAsync(string connectionString) =>
        AdminAsync($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" WITH (FORCE)");

    public Task StartAsync() => RunServerToolAsync(
        "pg_ctl", "-D", DataDirectory, "-l", Path.Combine(root!, "server.log"), "-w", "-t", "60", "-o", ServerOptions(), "start");

    /// <summary>Restarts the server (fast shutdown: open transactions are rolled back and clients disconnected).</summary>
    public Task RestartAsync() => RunServerToolAsync(
        "pg_ctl", "-D", DataDirectory, "-l", Path.Combine(root!, "server.log"), "-w", "-t", "60", "-m", "fast", "-o", ServerOptions(), "restart");

    public async Task StopAsync()
    {
        if (root is not null && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunServerToolAsync("pg_ctl", "-D", DataDirectory, "-w", "-t", "60", "-m", "immediate", "stop");
        }
    }

    public async Task DisposeAsync()
    {
        if (root is null)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        finally
        {
            templateLock.Dispose();
            NpgsqlConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover temporary directory is harmless.
            }
        }
    }

    /// <summary>Records why the cluster is not there; throws instead when <see cref="RequireEnvironmentVariable"/> is 1.</summary>
    private void Skip(string reason)
    {
        if (Environment.GetEnvironmentVariable(RequireEnvironmentVariable) == "1")
        {
            throw new InvalidOperationException($"{reason} ({RequireEnvironmentVariable}=1: the PostgreSQL tests must run here.)");
        }

        SkipReason = reason;
    }

    private static string? FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable(BinEnvironmentVariable);
        var candidates = configured is { Length: > 0 }
            ? [configured]
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0))
                    .Where(d => d.Version >= 15)
                    .OrderByDescending(d => d.Version)
                    .Select(d => Path.Combine(d.Dir, "bin"))
                    .ToArray()
                : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string ServerOptions() => string.Create(
        CultureInfo.InvariantCulture,
        $"-p {Port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=300");

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task RunServerToolAsync(string tool, params string[] arguments)
    {
        var path = Path.Combine(bin!, tool);
        return asRoot ? RunAsync("runuser", ["-u", SystemUser, "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var (code, output) = await ExecAsync(program, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {code}: {output}");
        }
    }

    private static async Task<bool> SucceedsAsync(string program, params string[] arguments)
    {
        try
        {
            return (await ExecAsync(program, arguments)).Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<(int Code, string Output)> ExecAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
