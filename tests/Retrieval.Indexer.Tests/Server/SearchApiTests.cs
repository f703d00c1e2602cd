using System.Net;
using Retrieval.Indexer.Server;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>GET /api/search over real HTTP against a real index of rendered images.</summary>
[Collection(ServedIndexCollection.Name)]
public sealed class SearchApiTests(ServedIndexFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_word_finds_the_images_that_show_it_best_first_with_the_word_boxed_where_it_is_drawn()
    {
        var page = await (await Client.GetAsync("/api/search?q=exit")).ShouldBeJsonAsync<SearchPageJson>();

        page.Query.Should().Be("exit");
        page.TotalMatches.Should().Be(3);
        page.Results.Select(r => r.Path).Should().BeEquivalentTo(["signs/exit.png", "signs/emergency.png", "parking.png"]);
        page.Results[0].Path.Should().Be("signs/exit.png", "the sign that reads EXIT alone is the best match");
        page.Results.Select(r => r.Score).Should().BeInDescendingOrder();
        foreach (var result in page.Results)
        {
            var scene = fixture.Files.Single(f => f.RelativePath == result.Path);
            result.Id.Should().Be(fixture.Ids[result.Path]);
            result.Root.Should().Be("images");
            (result.Width, result.Height).Should().Be((scene.Width, scene.Height));
            result.Video.Should().BeNull();
            result.Image.Should().Be($"/api/images/{result.Id}");
            result.Thumbnail.Should().Be($"/api/images/{result.Id}/thumbnail");
            result.Matches.Should().NotBeEmpty();
            var match = result.Matches[0];
            match.Text.Should().Be("exit");
            match.Query.Should().Be("exit");
            match.Score.Should().BeInRange(0, 1);
            ApiAssertions.Overlap(ApiAssertions.ToQuad(match.Quad), ApiAssertions.WordBox(scene, "EXIT")).Should().BeGreaterThan(0.5, result.Path);
        }
    }

    [Fact]
    public async Task A_quoted_phrase_ranks_the_image_with_the_whole_phrase_first()
    {
        var page = await (await Client.GetAsync("/api/search?q=" + Uri.EscapeDataString("\"emergency exit\""))).ShouldBeJsonAsync<SearchPageJson>();

        page.Results[0].Path.Should().Be("signs/emergency.png");
        page.Results[0].Score.Should().BeGreaterThan(page.Results.Skip(1).Select(r => r.Score).DefaultIfEmpty(0).Max() + 0.3);
    }

    [Fact]
    public async Task Pages_of_top_and_offset_are_slices_of_one_ranking()
    {
        var all = await (await Client.GetAsync("/api/search?q=exit&top=10")).ShouldBeJsonAsync<SearchPageJson>();
        var first = await (await Client.GetAsync("/api/search?q=exit&top=2")).ShouldBeJsonAsync<SearchPageJson>();
        var second = await (await Client.GetAsync("/api/search?q=exit&top=2&offset=2")).ShouldBeJsonAsync<SearchPageJson>();

        first.Results.Concat(second.Results).Select(r => r.Id).Should().Equal(all.Results.Select(r => r.Id));
        (first.Top, first.Offset, second.Offset).Should().Be((2, 0, 2));
        second.TotalMatches.Should().Be(all.TotalMatches);
    }

    [Fact]
    public async Task A_word_no_image_shows_returns_an_empty_page_not_an_error()
    {
        var page = await (await Client.GetAsync("/api/search?q=zebra")).ShouldBeJsonAsync<SearchPageJson>();

        page.Results.Should().BeEmpty();
        page.TotalMatches.Should().Be(0);
    }

    [Theory]
    [InlineData("/api/search", "query is empty")]
    [InlineData("/api/search?q=%20%20", "query is empty")]
    [InlineData("/api/search?q=exit&top=0", "'top' must be a whole number from 1 to 100")]
    [InlineData("/api/search?q=exit&top=101", "'top' must be a whole number from 1 to 100")]
    [InlineData("/api/search?q=exit&top=ten", "(got 'ten')")]
    [InlineData("/api/search?q=exit&offset=-1", "'offset' must be a whole number from 0 to 10000")]
    [InlineData("/api/search?q=exit&offset=10001", "'offset'")]
    [InlineData("/api/search?q=exit&top=1&top=2", "given 2 times")]
    [InlineData("/api/search?q=%22%22", null)]
    public async Task Bad_search_parameters_get_400_with_a_message_that_says_what_to_send(string url, string? detail)
    {
        await (await Client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task A_query_over_the_length_limit_is_refused_with_the_limit()
    {
        var response = await Client.GetAsync("/api/search?q=" + new string('a', 257));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "the limit is 256");
    }
}
