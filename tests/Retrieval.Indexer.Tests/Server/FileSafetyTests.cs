using System.Net;
using Retrieval.Indexer.Server;
using Retrieval.Models.Imaging;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// The server never serves a file outside the indexed folders: request paths cannot name files
/// (traversal with "..", encoded separators and NUL fail before the file system is touched),
/// links planted inside an indexed folder that point out of it are refused, and deleted ids are gone.
/// </summary>
[Collection(ServedIndexCollection.Name)]
public sealed class FileSafetyTests(ServedIndexFixture fixture)
{
    [Theory]
    [InlineData("/api/images/../../../../etc/passwd")]
    [InlineData("/api/images/..%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/images/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("/api/images/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/api/images/1/..%2f..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/api/images/..%5c..%5c..%5cetc%5cpasswd")]
    [InlineData("/api/images/%252e%252e%252fetc%252fpasswd")]
    [InlineData("/api/images/1%00/../../etc/passwd")]
    [InlineData("/..%2f..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/app.js/..%2f..%2f..%2fetc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/api/images/1/thumbnail/../../../../etc/passwd")]
    public async Task A_path_that_tries_to_climb_out_is_refused_and_never_reaches_a_file(string target)
    {
        var (status, response) = await RawHttp.GetAsync(fixture.Server.BaseAddress, target);

        status.Should().BeOneOf(400, 404);
        response.Should().NotContain("root:").And.NotContain("/bin/");
    }

    [Fact]
    public async Task Links_that_point_out_of_the_indexed_folder_are_indexed_but_their_files_are_not_served()
    {
        var outside = fixture.Scratch("outside");
        var root = fixture.Scratch("linked");
        Save(Path.Combine(outside, "secret.png"), "HIDDEN");
        Directory.CreateDirectory(Path.Combine(outside, "private"));
        Save(Path.Combine(outside, "private", "secret.png"), "CONCEALED");
        Save(Path.Combine(root, "inside.png"), "INSIDE");
        File.CreateSymbolicLink(Path.Combine(root, "leak.png"), Path.Combine(outside, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(root, "folder"), Path.Combine(outside, "private"));
        File.CreateSymbolicLink(Path.Combine(root, "relative.png"), "../outside/secret.png");

        await fixture.IndexAsync(root, expectedImages: 4);
        var ids = await IdsUnderAsync(root);
        ids.Keys.Should().BeEquivalentTo(["folder/secret.png", "inside.png", "leak.png", "relative.png"]);

        (await fixture.Client.GetAsync($"/api/images/{ids["inside.png"]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var linked in new[] { "leak.png", "folder/secret.png", "relative.png" })
        {
            await (await fixture.Client.GetAsync($"/api/images/{ids[linked]}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "outside the folder it was indexed under");
            await (await fixture.Client.GetAsync($"/api/images/{ids[linked]}/thumbnail")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task A_deleted_image_is_gone_from_search_files_and_text_and_its_thumbnails_are_dropped()
    {
        var root = fixture.Scratch("deleted");
        Save(Path.Combine(root, "temporary.png"), "TEMPORARY");
        await fixture.IndexAsync(root, expectedImages: 1);
        var id = (await IdsUnderAsync(root))["temporary.png"];
        (await fixture.Client.GetAsync($"/api/images/{id}/thumbnail?size=128")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await fixture.Client.GetStringAsync("/api/search?q=temporary")).Should().Contain($"\"id\":{id},");

        (await fixture.Client.DeleteAsync($"/api/images/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        foreach (var suffix in new[] { string.Empty, "/thumbnail", "/text" })
        {
            await (await fixture.Client.GetAsync($"/api/images/{id}{suffix}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, $"no image {id}");
        }

        (await fixture.Client.GetStringAsync("/api/search?q=temporary")).Should().NotContain($"\"id\":{id},");
        Directory.EnumerateFiles(fixture.ThumbnailDirectory, $"{id}-*.jpg", SearchOption.AllDirectories).Should().BeEmpty();
        await (await fixture.Client.DeleteAsync($"/api/images/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        File.Exists(Path.Combine(root, "temporary.png")).Should().BeTrue("deleting from the index leaves the file alone");
    }

    [Fact]
    public async Task An_indexed_file_that_was_removed_from_disk_gets_404_that_says_to_reindex()
    {
        var root = fixture.Scratch("removed");
        var path = Path.Combine(root, "gone.png");
        Save(path, "VANISHED");
        await fixture.IndexAsync(root, expectedImages: 1);
        var id = (await IdsUnderAsync(root))["gone.png"];

        File.Delete(path);

        await (await fixture.Client.GetAsync($"/api/images/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "re-index");
        await (await fixture.Client.GetAsync($"/api/images/{id}/thumbnail")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "re-index");
    }

    private static void Save(string path, string text)
    {
        var scene = new SceneSpec(480, 200, [new TextItem(text, 60, 70, "DejaVu Sans Bold 44")]);
        ImageEncoder.Save(TextRenderer.Render(scene), path);
    }

    private async Task<Dictionary<string, long>> IdsUnderAsync(string root)
    {
        var ids = new Dictionary<string, long>();
        await foreach (var image in fixture.Store.ListImagesUnderAsync(root))
        {
            ids[Path.GetRelativePath(root, image.Key.Path).Replace('\\', '/')] = image.Id;
        }

        return ids;
    }
}
