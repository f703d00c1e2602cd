using Retrieval.Indexer.Commands;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Tests.Clip;

public sealed class ModelsCommandTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "retrieval-models-" + Guid.NewGuid().ToString("N"));

    private string IndexDirectory => Path.Combine(root, "index");

    [Fact]
    public async Task Adding_the_tiny_clip_model_records_its_directory_id_and_width_in_the_index()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ModelsCommand.AddClipAsync(TinyClip.HuggingFace, IndexDirectory, output, error, CancellationToken.None);

        exit.Should().Be(0, error.ToString());
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = IndexDirectory, ReadOnly = true });
        var registration = await ClipModelRegistration.ReadAsync(store);
        registration.Should().NotBeNull();
        registration!.ModelDirectory.Should().Be(Path.GetFullPath(TinyClip.HuggingFace));
        registration.EmbeddingWidth.Should().BeGreaterThan(0);
        registration.ModelId.Should().NotBeNullOrEmpty();

        using var listed = new StringWriter();
        (await ModelsCommand.ListAsync(IndexDirectory, listed, CancellationToken.None)).Should().Be(0);
        listed.ToString().Should().Contain(registration.ModelId);
    }

    [Fact]
    public async Task A_folder_that_is_not_a_clip_export_is_refused_with_a_message_and_nothing_is_registered()
    {
        var empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ModelsCommand.AddClipAsync(empty, IndexDirectory, output, error, CancellationToken.None);

        exit.Should().Be(2);
        error.ToString().Should().Contain("is not a CLIP export");
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = IndexDirectory });
        (await ClipModelRegistration.ReadAsync(store)).Should().BeNull();
    }

    [Fact]
    public async Task A_missing_model_folder_is_refused_with_a_message()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ModelsCommand.AddClipAsync(Path.Combine(root, "nowhere"), IndexDirectory, output, error, CancellationToken.None);

        exit.Should().Be(2);
        error.ToString().Should().Contain("not found");
    }

    [Fact]
    public async Task Settings_are_replaced_and_removed_by_key()
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = IndexDirectory });

        await store.SetSettingAsync("a", "1");
        await store.SetSettingAsync("a", "2");
        (await store.GetSettingAsync("a")).Should().Be("2");
        (await store.GetSettingAsync("schema_version")).Should().BeNull("settings do not see the store's own version keys");

        await store.SetSettingAsync("a", null);
        (await store.GetSettingAsync("a")).Should().BeNull();
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
