using System.Text.Encodings.Web;
using System.Text.Json;

namespace Retrieval.Indexer.Output;

/// <summary>
/// Serializer options for JSON the CLI prints. It goes to terminals, files and pipes, never into an
/// HTML page, so text is written as itself: a Chinese reading or "café" stays readable instead of
/// becoming \uXXXX escapes (the JSON is equally valid either way). The HTTP API keeps the default,
/// stricter escaping.
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Readable(JsonSerializerOptions options, bool indented) =>
        new(options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = indented };
}
