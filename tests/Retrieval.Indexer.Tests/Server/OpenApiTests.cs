using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>/openapi.json describes exactly the API the server maps.</summary>
[Collection(ServedIndexCollection.Name)]
public sealed class OpenApiTests(ServedIndexFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_lists_exactly_the_routes_and_methods_the_server_maps()
    {
        using var document = JsonDocument.Parse(await fixture.Client.GetStringAsync("/openapi.json"));
        var root = document.RootElement;
        root.GetProperty("openapi").GetString().Should().Be("3.1.0");
        var documented = root.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet();

        var mapped = fixture.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();

        documented.Should().BeEquivalentTo(mapped);
    }

    [Fact]
    public async Task The_schemas_come_from_the_wire_contracts()
    {
        using var document = JsonDocument.Parse(await fixture.Client.GetStringAsync("/openapi.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        var result = schemas.GetProperty("SearchPage").GetProperty("properties").GetProperty("results").GetProperty("items").GetProperty("properties");
        result.EnumerateObject().Select(p => p.Name).Should().Contain(["id", "path", "score", "matches", "video", "width", "height", "thumbnail"]);
        schemas.GetProperty("Status").GetProperty("properties").GetProperty("indexer").GetProperty("properties").TryGetProperty("queueLength", out _).Should().BeTrue();
    }
}
