using Retrieval.Models.Clip;
using Retrieval.Models.Text;
using Retrieval.Search.Query;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Tests.Clip;

/// <summary>Prompt and Distinguish: how a parsed query becomes one CLIP embedding, with the tiny test model's text tower.</summary>
public sealed class ClipQueryEmbedderTests : IDisposable
{
    private readonly ClipTextEncoder encoder = ClipTextEncoder.Open(ClipModelDirectory.Open(TinyClip.HuggingFace));

    [Fact]
    public void A_phrase_is_embedded_whole_and_through_its_content_words_and_function_words_weigh_less()
    {
        var embedder = new ClipQueryEmbedder(encoder);

        var parts = embedder.Parts(Parse("\"the coffee shop\" exit of"));

        parts.Should().BeEquivalentTo(new[]
        {
            new ClipQueryPart("the coffee shop", 2.25 * 0.6, false),
            new ClipQueryPart("coffee", 2.25 * 0.4 / 2, false),
            new ClipQueryPart("shop", 2.25 * 0.4 / 2, false),
            new ClipQueryPart("exit", 1, false),
            new ClipQueryPart("of", 0.25, true),
        }, o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
    }

    [Fact]
    public void The_query_embedding_is_the_normalized_weighted_sum_of_each_parts_prompt_ensemble()
    {
        var embedder = new ClipQueryEmbedder(encoder);
        var content = new ClipPrompts(encoder);
        var function = new ClipPrompts(encoder, new ClipPromptOptions { Templates = ["{w}"] });

        var embedding = embedder.Embed(Parse("\"the coffee shop\" exit of"));

        var expected = new float[encoder.EmbeddingWidth];
        foreach (var (text, weight, prompts) in new[] { ("the coffee shop", 1.35, content), ("coffee", 0.45, content), ("shop", 0.45, content), ("exit", 1.0, content), ("of", 0.25, function) })
        {
            var part = prompts.Embed(text);
            for (var i = 0; i < expected.Length; i++)
            {
                expected[i] += (float)weight * part[i];
            }
        }

        ClipVectors.Normalize(expected);
        ClipVectors.Cosine(embedding, expected).Should().BeGreaterThan(0.99999f);
        ClipVectors.Dot(embedding, embedding).Should().BeApproximately(1, 1e-5f);
        content.Expand("exit").Should().Contain("a photo of the word \"exit\"", "content words are put into the text-pointing templates");
    }

    [Fact]
    public void A_single_word_query_is_its_prompt_ensemble()
    {
        var embedding = new ClipQueryEmbedder(encoder).Embed(Parse("harbor"));

        ClipVectors.Cosine(embedding, new ClipPrompts(encoder).Embed("harbor")).Should().BeGreaterThan(0.99999f);
    }

    public void Dispose() => encoder.Dispose();

    private static ParsedQuery Parse(string query) => new QueryParser().Parse(query, TextFolding.Default);
}
