using System.Net.Http.Json;
using Retrieval.Indexer.Server;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>GET /api/status: index size, failures, and the indexer's progress.</summary>
[Collection(ServedIndexCollection.Name)]
public sealed class StatusApiTests(ServedIndexFixture fixture)
{
    [Fact]
    public async Task Status_counts_the_index_and_shows_the_indexer_idle_after_its_runs()
    {
        var status = await (await fixture.Client.GetAsync("/api/status")).ShouldBeJsonAsync<StatusJson>();

        status.Index.Images.Should().BeGreaterThanOrEqualTo(fixture.Files.Count);
        status.Index.Lines.Should().BeGreaterThanOrEqualTo(fixture.Files.Sum(f => f.Lines.Count) - 1);
        status.Index.Words.Should().BeGreaterThan(status.Index.Lines);
        status.Indexer.Enabled.Should().BeTrue();
        status.Indexer.Running.Should().BeFalse();
        status.Indexer.QueueLength.Should().Be(0);
        (status.Indexer.Indexed + status.Indexer.Failed + status.Indexer.Skipped).Should().Be(status.Indexer.Discovered, "the last run wrote or skipped everything it found");
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_listed_as_a_failure_with_its_reason()
    {
        var root = fixture.Scratch("broken");
        var bytes = ImageEncoder.EncodeJpeg(TextRenderer.Render(new SceneSpec(320, 200, [new TextItem("BROKEN", 40, 60)])));
        await File.WriteAllBytesAsync(Path.Combine(root, "cut.jpg"), bytes.AsSpan(0, bytes.Length / 3).ToArray());

        await fixture.IndexAsync(root, expectedImages: 1);
        var status = (await fixture.Client.GetFromJsonAsync<StatusJson>("/api/status"))!;

        status.Index.Failed.Should().BeGreaterThanOrEqualTo(1);
        status.Indexer.Failed.Should().BeGreaterThanOrEqualTo(1);
        status.Failures.Should().Contain(f => f.Path == "cut.jpg" && f.Root == "broken" && !string.IsNullOrEmpty(f.Error));
    }
}
