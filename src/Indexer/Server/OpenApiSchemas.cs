using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Retrieval.Indexer.Server;

/// <summary>
/// JSON Schemas of the API's bodies, exported from the same source-generated contracts the endpoints
/// serialize with (<see cref="ApiJsonContext"/>), so the document cannot drift from the wire format.
/// </summary>
internal static class OpenApiSchemas
{
    public static JsonObject Create()
    {
        var context = ApiJsonContext.Default;
        return new JsonObject
        {
            ["SearchPage"] = Export(context.SearchPageJson),
            ["ImageText"] = Export(context.ImageTextJson),
            ["Status"] = Export(context.StatusJson),
            ["IndexRequest"] = Export(context.IndexRequestJson),
            ["IndexAccepted"] = Export(context.IndexAcceptedJson),
            ["Problem"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["type"] = OpenApiDocument.Str(),
                    ["title"] = OpenApiDocument.Str(),
                    ["status"] = new JsonObject { ["type"] = "integer" },
                    ["detail"] = new JsonObject { ["type"] = "string", ["description"] = "What went wrong and what to do about it." },
                },
            },
        };
    }

    private static JsonNode Export(JsonTypeInfo type) =>
        type.Options.GetJsonSchemaAsNode(type.Type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
}
