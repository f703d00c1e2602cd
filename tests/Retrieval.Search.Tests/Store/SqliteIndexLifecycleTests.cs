using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

public sealed class SqliteIndexLifecycleTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_missing_directory_is_created_with_an_empty_index_that_reopens()
    {
        var options = directory.Options with { Directory = Path.Combine(directory.Path, "nested", "index-data") };
        using (var store = SqliteIndexStore.Open(options))
        {
            await store.WriteAsync([Image("/photos/a.jpg", "hello")]);
        }

        File.Exists(Path.Combine(options.Directory, SqliteIndexOptions.FileName)).Should().BeTrue();
        using var reopened = SqliteIndexStore.Open(options with { ReadOnly = true });
        var info = await reopened.GetInfoAsync();
        info.Should().BeEquivalentTo(new { Location = Path.GetFullPath(options.Directory), SchemaVersion = 1, LatticeFormatVersion = (int)LatticeCodec.Version, Folding = TextFolding.Default });
        info.Created.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        (await reopened.GetCountsAsync()).Lines.Should().Be(1);
    }

    [Fact]
    public async Task An_index_of_another_schema_version_is_refused_with_the_rebuild_command()
    {
        using (var store = directory.Open())
        {
            await store.WriteAsync([Image("/photos/a.jpg", "hello")]);
        }

        Sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'");

        var act = () => directory.Open();
        var error = act.Should().Throw<IndexVersionMismatchException>().Which;
        error.FoundVersion.Should().Be(99);
        error.ExpectedVersion.Should().Be(1);
        error.Message.Should().Contain("retrieval index --rebuild").And.Contain("99");
        ((Action)(() => directory.Open(readOnly: true))).Should().Throw<IndexVersionMismatchException>();

        using var rebuilt = directory.Open(rebuild: true);
        (await rebuilt.GetCountsAsync()).Images.Should().Be(0);
        (await rebuilt.GetInfoAsync()).SchemaVersion.Should().Be(1);
    }

    [Fact]
    public async Task A_file_that_is_not_an_index_is_refused_and_rebuild_replaces_it()
    {
        await File.WriteAllTextAsync(Path.Combine(directory.Path, SqliteIndexOptions.FileName), new string('x', 5000));

        ((Action)(() => directory.Open())).Should().Throw<IndexVersionMismatchException>().Which.Message.Should().Contain("--rebuild");

        using var rebuilt = directory.Open(rebuild: true);
        await rebuilt.WriteAsync([Image("/photos/a.jpg", "hello")]);
        (await rebuilt.GetCountsAsync()).Images.Should().Be(1);
    }

    [Fact]
    public void Opening_a_missing_index_read_only_says_how_to_build_one()
    {
        var act = () => SqliteIndexStore.Open(directory.Options with { Directory = Path.Combine(directory.Path, "none"), ReadOnly = true });

        act.Should().Throw<IndexNotFoundException>().Which.Message.Should().Contain("retrieval index");
    }

    [Fact]
    public void Options_report_every_problem_at_once()
    {
        var act = () => SqliteIndexStore.Open(new SqliteIndexOptions { Directory = " ", ReadOnly = true, Rebuild = true, BusyTimeout = TimeSpan.FromSeconds(-1) });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Directory").And.Contain("Rebuild").And.Contain("BusyTimeout");
    }

    [Fact]
    public void An_index_location_that_is_a_file_is_an_access_error()
    {
        var file = Path.Combine(directory.Path, "plain-file");
        File.WriteAllText(file, "x");

        var act = () => SqliteIndexStore.Open(directory.Options with { Directory = file });

        act.Should().Throw<IndexAccessException>().Which.Message.Should().Contain("--index");
    }

    [Fact]
    public void A_directory_that_cannot_be_written_is_a_typed_access_error()
    {
        var locked = Path.Combine(directory.Path, "locked");
        Directory.CreateDirectory(locked);
        if (!TryMakeUnwritable(locked))
        {
            output.WriteLine("Skipped: this process can write to a read-only directory (root without chattr).");
            return;
        }

        output.WriteLine($"{locked} made unwritable");
        try
        {
            var existing = () => SqliteIndexStore.Open(directory.Options with { Directory = locked });
            var missing = () => SqliteIndexStore.Open(directory.Options with { Directory = Path.Combine(locked, "index-data") });

            existing.Should().Throw<IndexAccessException>().Which.Message.Should().Contain("not writable").And.Contain("--index");
            missing.Should().Throw<IndexAccessException>().Which.Message.Should().Contain("Cannot create");
        }
        finally
        {
            MakeWritable(locked);
        }
    }

    /// <summary>
    /// Mode 0555 stops ordinary users; root ignores modes, so for root the directory is also made
    /// immutable (chattr +i), which root cannot write either.
    /// </summary>
    private static bool TryMakeUnwritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (!CanWrite(path))
        {
            return true;
        }

        return Run("chattr", "+i", path) && !CanWrite(path);
    }

    private static void MakeWritable(string path)
    {
        Run("chattr", "-i", path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool CanWrite(string directory)
    {
        try
        {
            File.WriteAllText(Path.Combine(directory, "probe"), "x");
            File.Delete(Path.Combine(directory, "probe"));
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static bool Run(string program, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true });
            process!.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private void Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, SqliteIndexOptions.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
