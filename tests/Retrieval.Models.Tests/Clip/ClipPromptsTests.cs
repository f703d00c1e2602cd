using Retrieval.Models.Clip;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Tests.Clip;

public sealed class ClipPromptsTests
{
    [Fact]
    public void A_query_is_expanded_into_every_template_in_order()
    {
        using var model = Open();
        new ClipPrompts(model.Text).Expand("exit").Should().Equal("a photo of the word \"exit\"", "the text \"exit\" written on a sign", "exit");
    }

    [Fact]
    public void The_query_embedding_is_the_normalized_mean_of_the_template_embeddings()
    {
        using var model = Open();
        var prompts = new ClipPrompts(model.Text, new ClipPromptOptions { Templates = ["{w}", "the word {w}", "{w} {w}"] });
        var embeddings = prompts.Embed(["stop", "coffee shop"]);
        foreach (var (query, embedding) in new[] { "stop", "coffee shop" }.Zip(embeddings))
        {
            var expected = new float[model.EmbeddingWidth];
            foreach (var single in model.Text.Encode(prompts.Expand(query)))
            {
                System.Numerics.Tensors.TensorPrimitives.Add(expected, single, expected);
            }

            ClipVectors.Normalize(expected);
            embedding.Should().BeEquivalentTo(expected, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
            ClipVectors.Dot(embedding, embedding).Should().BeApproximately(1f, 1e-5f);
        }
    }

    [Fact]
    public void A_template_without_the_placeholder_is_rejected()
    {
        var act = () => new ClipPromptOptions { Templates = ["a photo of {w}", "a sign"] }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*'a sign'*");
    }

    private static ClipModel Open() =>
        ClipModel.Open(ClipFixtures.HuggingFace, new ClipEncoderOptions { Onnx = new OnnxOptions { Device = ExecutionDevice.Cpu, ThreadsPerSession = 1 } });
}
