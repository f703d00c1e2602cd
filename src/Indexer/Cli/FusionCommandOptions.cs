using System.CommandLine;
using Retrieval.Search.Scoring;

namespace Retrieval.Indexer.Cli;

/// <summary>
/// <c>--fusion off|weighted|rrf</c> and <c>--clip-weight W</c>, shared by <c>search</c>, <c>eval</c> and <c>serve</c>:
/// how the text and CLIP channels are combined when the index has a CLIP channel (ignored when it has none).
/// </summary>
internal sealed class FusionCommandOptions
{
    private readonly Option<string> method = new("--fusion")
    {
        Description = "How the CLIP channel joins the text ranking when the index has CLIP embeddings: weighted, rrf (reciprocal rank fusion) or off (text only).",
        DefaultValueFactory = _ => FusionOptions.Default.Method.ToString().ToLowerInvariant(),
    };

    private readonly Option<double> weight = new("--clip-weight")
    {
        Description = "The CLIP channel's share of the fused score, 0..1.",
        DefaultValueFactory = _ => FusionOptions.Default.ClipWeight,
    };

    public static FusionCommandOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(method);
        command.Options.Add(weight);
    }

    /// <exception cref="ArgumentException">An unknown method or a weight outside [0, 1] (a usage error).</exception>
    public FusionOptions Read(ParseResult parse)
    {
        var fusion = FusionOptions.Default with { Method = Parse(parse.GetValue(method)), ClipWeight = parse.GetValue(weight) };
        fusion.Validate();
        return fusion;
    }

    public static FusionMethod Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "OFF" => FusionMethod.Off,
        "WEIGHTED" => FusionMethod.Weighted,
        "RRF" => FusionMethod.Rrf,
        _ => throw new ArgumentException($"--fusion must be off, weighted or rrf (got '{value}')."),
    };
}
