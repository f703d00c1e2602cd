namespace Retrieval.Models.Clip;

/// <summary>The prompt templates a query word is put into; <c>{w}</c> marks where the word goes.</summary>
public sealed record ClipPromptOptions
{
    public const string Placeholder = "{w}";

    /// <summary>Phrasings that point CLIP at written text rather than at the object the word names.</summary>
    public IReadOnlyList<string> Templates { get; init; } =
    [
        "a photo of the word \"{w}\"",
        "the text \"{w}\" written on a sign",
        "{w}",
    ];

    public void Validate()
    {
        if (Templates is not { Count: > 0 })
        {
            throw new ArgumentException("At least one prompt template is needed.", nameof(Templates));
        }

        if (Templates.FirstOrDefault(t => t is null || !t.Contains(Placeholder, StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"Every prompt template must contain {Placeholder}; '{bad}' does not.", nameof(Templates));
        }
    }
}

/// <summary>
/// Prompt ensembling for text queries: the query is put into each template, the templates are embedded, and the
/// query's embedding is the normalized mean of those unit vectors (as CLIP's zero-shot classifiers build class
/// embeddings). Thread-safe when the encoder is.
/// </summary>
public sealed class ClipPrompts
{
    private readonly ClipTextEncoder encoder;

    public ClipPrompts(ClipTextEncoder encoder, ClipPromptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new ClipPromptOptions();
        options.Validate();
        this.encoder = encoder;
        Templates = options.Templates;
    }

    public IReadOnlyList<string> Templates { get; }

    public int EmbeddingWidth => encoder.EmbeddingWidth;

    /// <summary>The prompts for <paramref name="query"/>, one per template, in template order.</summary>
    public IReadOnlyList<string> Expand(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. Templates.Select(t => t.Replace(ClipPromptOptions.Placeholder, query, StringComparison.Ordinal))];
    }

    /// <summary>The unit-length ensemble embedding of one query.</summary>
    public float[] Embed(string query, CancellationToken cancellationToken = default) => Embed([query], cancellationToken)[0];

    /// <summary>The ensemble embeddings of several queries, all templates of all queries embedded in shared batches.</summary>
    public float[][] Embed(IReadOnlyList<string> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var width = encoder.EmbeddingWidth;
        var perQuery = Templates.Count;
        var prompts = queries.SelectMany(Expand).ToList();
        var embedded = new float[prompts.Count * width];
        encoder.Encode(prompts, embedded, cancellationToken);
        var result = new float[queries.Count][];
        for (var q = 0; q < queries.Count; q++)
        {
            var mean = new float[width];
            for (var t = 0; t < perQuery; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(mean, embedded.AsSpan(((q * perQuery) + t) * width, width), mean);
            }

            ClipVectors.Normalize(mean);
            result[q] = mean;
        }

        return result;
    }
}
