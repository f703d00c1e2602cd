using System.Net;
using System.Net.Http.Json;
using System.Text;
using Retrieval.Indexer.Server;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>What the write endpoints accept, and the problem answers for everything else.</summary>
[Collection(ServedIndexCollection.Name)]
public sealed class RequestLimitTests(ServedIndexFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413()
    {
        using var content = new StringContent("{\"path\":\"" + new string('a', 20_000) + "\"}", Encoding.UTF8, "application/json");

        await (await Client.PostAsync("/api/index", content)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "16384 bytes");
    }

    [Fact]
    public async Task Indexing_needs_a_json_body_so_a_cross_site_form_cannot_start_it()
    {
        using var form = new FormUrlEncodedContent([new("path", fixture.Root)]);

        await (await Client.PostAsync("/api/index", form)).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Theory]
    [InlineData("{\"path\":", "not valid JSON")]
    [InlineData("{}", "Give the folder to index in 'path'")]
    [InlineData("{\"path\":\"photos/2024\"}", "not a full path")]
    [InlineData("{\"path\":\"/no/such/folder/anywhere\"}", "does not exist")]
    [InlineData("[1,2]", "not valid JSON")]
    public async Task A_bad_index_request_gets_400_with_what_to_send(string body, string detail)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        await (await Client.PostAsync("/api/index", content)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task An_unknown_path_and_a_wrong_method_get_problem_answers_that_point_to_the_api_description()
    {
        await (await Client.GetAsync("/api/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "/openapi.json");
        await (await Client.PutAsJsonAsync("/api/search", new { q = "exit" })).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "/openapi.json");
    }
}
