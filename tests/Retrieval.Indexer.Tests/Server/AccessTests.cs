using System.Net;
using System.Net.Http.Json;
using Retrieval.Indexer.Server;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// Who may do what: loopback by default, an API key once the server listens beyond loopback (it
/// refuses to start without one), reads opened only on request, writes never without the key, a
/// read-only server refuses writes. Each test starts its own server over the shared real index.
/// </summary>
[Collection(ServedIndexCollection.Name)]
public sealed class AccessTests(ServedIndexFixture fixture)
{
    private const string Key = "correct-horse-battery-staple-42";

    [Fact]
    public void The_server_binds_to_loopback_unless_told_otherwise()
    {
        var options = new ServeOptions();

        options.Urls.Should().Equal("http://127.0.0.1:5000");
        options.ListensBeyondLoopback.Should().BeFalse();
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://+:80")]
    [InlineData("http://[::]:5000")]
    [InlineData("http://192.168.1.20:5000")]
    [InlineData("http://search.example:5000")]
    public void Listening_beyond_loopback_without_an_api_key_refuses_to_start_and_says_how_to_fix_it(string url)
    {
        var options = Options([url]);

        var start = () => RetrievalServer.Build(options, fixture.Store);

        start.Should().Throw<ArgumentException>().WithMessage("*--api-key*RETRIEVAL_API_KEY*127.0.0.1*");
    }

    [Fact]
    public void Every_invalid_option_is_reported_at_once()
    {
        var options = Options(["ftp://127.0.0.1:21", "http://localhost:0", "http://0.0.0.0:8080"]) with { ReadOnly = true, WatchFolders = ["/no/such/folder"] };

        var start = () => RetrievalServer.Build(options, fixture.Store);

        start.Should().Throw<ArgumentException>()
            .Which.Message.Should().ContainAll("'ftp://127.0.0.1:21' is not an address", "use http://127.0.0.1:0", "without an API key", "--watch needs a writable index", "'/no/such/folder' does not exist");
    }

    [Fact]
    public void A_short_api_key_is_refused()
    {
        var start = () => RetrievalServer.Build(Options(["http://0.0.0.0:0"]) with { ApiKey = "secret" }, fixture.Store);

        start.Should().Throw<ArgumentException>().WithMessage("*at least 16 characters*");
    }

    [Fact]
    public async Task Beyond_loopback_reads_and_writes_need_the_key_in_a_header()
    {
        await using var server = await StartAsync(Options(["http://0.0.0.0:0"]) with { ApiKey = Key });
        using var client = LocalClient(server);

        await (await client.GetAsync("/api/search?q=exit")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "X-Api-Key");
        await (await client.GetAsync("/api/status")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync($"/api/images/{fixture.Ids["parking.png"]}/thumbnail")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Send(client, HttpMethod.Get, "/api/status", "X-Api-Key", "wrong-key-wrong-key")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "wrong");
        (await Send(client, HttpMethod.Get, "/api/search?q=exit", "X-Api-Key", Key)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Send(client, HttpMethod.Get, "/api/status", "Authorization", "Bearer " + Key)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Send(client, HttpMethod.Get, $"/api/images/{fixture.Ids["parking.png"]}", "Cookie", "retrieval-key=" + Key)).StatusCode.Should().Be(HttpStatusCode.OK, "images in the page carry the key in a cookie");
        await (await Send(client, HttpMethod.Delete, "/api/images/987654", "Cookie", "retrieval-key=" + Key)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Send(client, HttpMethod.Delete, "/api/images/987654", "X-Api-Key", Key)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK, "the page itself holds no data and asks for the key");
        (await client.GetAsync("/openapi.json")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Public_read_opens_reads_but_writes_still_need_the_key()
    {
        await using var server = await StartAsync(Options(["http://0.0.0.0:0"]) with { ApiKey = Key, PublicRead = true });
        using var client = LocalClient(server);

        (await client.GetAsync("/api/search?q=exit")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/api/images/{fixture.Ids["parking.png"]}/text")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync("/api/index", new { path = fixture.Root })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.DeleteAsync($"/api/images/{fixture.Ids["parking.png"]}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task On_loopback_a_key_that_is_given_still_guards_writes()
    {
        await using var server = await StartAsync(Options(["http://127.0.0.1:0"]) with { ApiKey = Key });

        (await server.Client.GetAsync("/api/search?q=exit")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await server.Client.DeleteAsync("/api/images/987654")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_read_only_server_refuses_writes_and_says_how_to_allow_them()
    {
        await using var server = await StartAsync(Options(["http://127.0.0.1:0"]) with { ReadOnly = true });

        await (await server.Client.PostAsJsonAsync("/api/index", new { path = fixture.Root })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "--read-only");
        await (await server.Client.DeleteAsync($"/api/images/{fixture.Ids["parking.png"]}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "--read-only");
        (await server.Client.GetAsync($"/api/images/{fixture.Ids["parking.png"]}/text")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task On_loopback_a_request_for_another_host_name_is_refused_against_dns_rebinding()
    {
        var (status, _) = await RawHttp.GetAsync(fixture.Server.BaseAddress, "/api/status", host: "attacker.example");
        var (localhost, _) = await RawHttp.GetAsync(fixture.Server.BaseAddress, "/api/status", host: "localhost");

        status.Should().Be(400);
        localhost.Should().Be(200);
    }

    private ServeOptions Options(string[] urls) =>
        RunningServer.Options(fixture.IndexDirectory, fixture.ThumbnailDirectory) with { Urls = urls };

    private Task<RunningServer> StartAsync(ServeOptions options) => RunningServer.StartAsync(options, fixture.Store);

    /// <summary>A client for a server on 0.0.0.0, through loopback.</summary>
    private static HttpClient LocalClient(RunningServer server) => new() { BaseAddress = new Uri($"http://127.0.0.1:{server.BaseAddress.Port}") };

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, string header, string value)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation(header, value);
        return client.SendAsync(request);
    }
}
