using System.Net;
using System.Net.Http.Json;
using Retrieval.Indexer.Server;

namespace Retrieval.Indexer.Tests.Server;

public sealed class SyntheticSmokeTests(SyntheticServerFixture fixture) : IClassFixture<SyntheticServerFixture>
{
    [Fact]
    public async Task Search_over_synthetic_lattices_answers()
    {
        var response = await fixture.Client.GetAsync("/api/search?q=exit");
        var body = await response.Content.ReadAsStringAsync();
        Console.WriteLine(body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var page = await response.Content.ReadFromJsonAsync<SearchPageJson>();
        page!.Results.Select(r => r.Path).Should().Contain("signs/exit.png");
        foreach (var p in new[] { "/", "/app.js", "/openapi.json", "/api/status", "/api/nothing", "/api/search?q=", "/api/search?q=exit&top=x", $"/api/images/{fixture.Ids["signs/exit.png"]}/text" })
        {
            var r = await fixture.Client.GetAsync(p);
            Console.WriteLine($"{p}: {(int)r.StatusCode} {r.Content.Headers.ContentType} {(await r.Content.ReadAsStringAsync())[..Math.Min(300, (int)(r.Content.Headers.ContentLength ?? 300))]}");
        }
    }
}
