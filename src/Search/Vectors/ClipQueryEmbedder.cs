using System.Numerics.Tensors;
using Retrieval.Models.Clip;
using Retrieval.Search.Query;

namespace Retrieval.Search.Vectors;

/// <summary>How a parsed query becomes one CLIP embedding (the "Prompt" and "Distinguish" of FDP, training-free).</summary>
public sealed record ClipQueryOptions
{
    /// <summary>Templates for content words and whole phrases: phrasings that point CLIP at written text.</summary>
    public ClipPromptOptions ContentPrompts { get; init; } = new();

    /// <summary>
    /// Templates for function words ("the", "of"): the bare word. "the text "of" written on a sign" describes no sign
    /// anyone photographs; such a word adds little and is kept near its own embedding.
    /// </summary>
    public ClipPromptOptions FunctionPrompts { get; init; } = new() { Templates = [ClipPromptOptions.Placeholder] };

    /// <summary>A function word's weight relative to a content word (1); the same default the lattice scorer uses.</summary>
    public double FunctionWordWeight { get; init; } = 0.25;

    /// <summary>Share of a phrase's weight that goes to the whole phrase; the rest is split over its content words.</summary>
    public double PhraseShare { get; init; } = 0.6;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(ContentPrompts, nameof(ContentPrompts));
        ArgumentNullException.ThrowIfNull(FunctionPrompts, nameof(FunctionPrompts));
        ContentPrompts.Validate();
        FunctionPrompts.Validate();
        if (FunctionWordWeight is <= 0 or > 1 || double.IsNaN(FunctionWordWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(FunctionWordWeight), FunctionWordWeight, "FunctionWordWeight must be in (0, 1].");
        }

        if (PhraseShare is < 0 or > 1 || double.IsNaN(PhraseShare))
        {
            throw new ArgumentOutOfRangeException(nameof(PhraseShare), PhraseShare, "PhraseShare must be in [0, 1].");
        }
    }
}

/// <summary>One text the query embedding is made of, with its weight and whether it is prompted as a function word.</summary>
public sealed record ClipQueryPart(string Text, double Weight, bool IsFunctionWord);

/// <summary>
/// Turns a <see cref="ParsedQuery"/> into one unit-length CLIP embedding. Each part is the normalized mean of its
/// prompt templates (Prompt); content words and function words get different templates and weights, function words
/// being the parser's list, the one phrase search uses (Distinguish); a quoted phrase is embedded whole and through
/// its content words. The query embedding is the normalized weighted sum of its parts, so a vector scan of it ranks
/// images by a blend of all clauses at the cost of one scan. Thread-safe when the encoder is.
/// </summary>
public sealed class ClipQueryEmbedder
{
    private readonly ClipPrompts content;
    private readonly ClipPrompts function;
    private readonly ClipQueryOptions options;

    public ClipQueryEmbedder(ClipTextEncoder encoder, ClipQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        this.options = options ?? new ClipQueryOptions();
        this.options.Validate();
        content = new ClipPrompts(encoder, this.options.ContentPrompts);
        function = new ClipPrompts(encoder, this.options.FunctionPrompts);
        EmbeddingWidth = encoder.EmbeddingWidth;
    }

    public int EmbeddingWidth { get; }

    /// <summary>The texts the embedding of <paramref name="query"/> is made of, with their weights (summing to the query's clause weights).</summary>
    public IReadOnlyList<ClipQueryPart> Parts(ParsedQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parts = new List<ClipQueryPart>();
        foreach (var clause in query.Clauses)
        {
            var weights = clause.Terms.Select(t => t.IsFunctionWord ? options.FunctionWordWeight : 1.0).ToList();
            var contentTerms = clause.Terms.Where(t => !t.IsFunctionWord).ToList();
            if (!clause.IsPhrase || clause.Terms.Count == 1)
            {
                var term = clause.Terms[0];
                parts.Add(new ClipQueryPart(term.Text, weights[0], term.IsFunctionWord));
                continue;
            }

            var weight = weights.Sum();
            var wordShare = contentTerms.Count > 0 ? 1 - options.PhraseShare : 0;
            parts.Add(new ClipQueryPart(clause.Text, weight * (1 - wordShare), false));
            parts.AddRange(contentTerms.Select(t => new ClipQueryPart(t.Text, weight * wordShare / contentTerms.Count, false)));
        }

        // The same word twice (a word clause and the same word in a phrase) is one part with both weights.
        return parts
            .GroupBy(p => (p.Text, p.IsFunctionWord))
            .Select(g => new ClipQueryPart(g.Key.Text, g.Sum(p => p.Weight), g.Key.IsFunctionWord))
            .Where(p => p.Weight > 0)
            .ToList();
    }

    /// <summary>The unit-length embedding of <paramref name="query"/>.</summary>
    public float[] Embed(ParsedQuery query, CancellationToken cancellationToken = default)
    {
        var parts = Parts(query);
        var contentParts = parts.Where(p => !p.IsFunctionWord).ToList();
        var functionParts = parts.Where(p => p.IsFunctionWord).ToList();
        var sum = new float[EmbeddingWidth];
        Accumulate(content, contentParts, sum, cancellationToken);
        Accumulate(function, functionParts, sum, cancellationToken);
        ClipVectors.Normalize(sum);
        return sum;
    }

    private static void Accumulate(ClipPrompts prompts, List<ClipQueryPart> parts, float[] sum, CancellationToken cancellationToken)
    {
        if (parts.Count == 0)
        {
            return;
        }

        var embedded = prompts.Embed(parts.Select(p => p.Text).ToList(), cancellationToken);
        var scaled = new float[sum.Length];
        for (var i = 0; i < parts.Count; i++)
        {
            TensorPrimitives.Multiply(embedded[i], (float)parts[i].Weight, scaled);
            TensorPrimitives.Add(sum, scaled, sum);
        }
    }
}
