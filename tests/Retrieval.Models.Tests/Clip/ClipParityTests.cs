using Retrieval.Models.Clip;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Tests.Clip;

/// <summary>The C# pipeline against PyTorch's embeddings of the same tiny CLIP model, in both export layouts.</summary>
public sealed class ClipParityTests : IClassFixture<ClipParityTests.Models>
{
    private const double MinimumCosine = 0.9999;

    private readonly Models models;

    public ClipParityTests(Models models) => this.models = models;

    public static TheoryData<ClipLayout> Layouts => [ClipLayout.HuggingFace, ClipLayout.OpenClip];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Both_layouts_open_with_the_shape_the_files_declare(ClipLayout layout)
    {
        var model = models[layout];
        model.Directory.Layout.Should().Be(layout);
        model.EmbeddingWidth.Should().Be(ClipFixtures.Reference.EmbedDim);
        model.Image.ImageSize.Should().Be(ClipFixtures.Reference.ImageSize);
        model.Text.Tokenizer.ContextLength.Should().Be(77);
        model.Text.Tokenizer.Padding.Should().Be(layout == ClipLayout.HuggingFace ? ClipPadding.EndToken : ClipPadding.Zeros);
        model.Text.BatchSize.Should().Be(layout == ClipLayout.HuggingFace ? 16 : 1, "Immich-style exports fix the batch axis at 1");
        model.Text.Device.Should().Be(ExecutionDevice.Cpu);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Text_embeddings_reproduce_the_pytorch_reference(ClipLayout layout)
    {
        var texts = ClipFixtures.Reference.Texts;
        var embeddings = models[layout].Text.Encode([.. texts.Select(t => t.Text)]);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = layout == ClipLayout.HuggingFace ? texts[i].HfTextEmbeds : texts[i].OpenClipEmbedding;
            ClipVectors.Cosine(embeddings[i], expected).Should().BeGreaterThanOrEqualTo((float)MinimumCosine, texts[i].Text);
            ClipVectors.Dot(embeddings[i], embeddings[i]).Should().BeApproximately(1f, 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Image_embeddings_reproduce_the_pytorch_reference_in_every_resize_mode(ClipLayout layout)
    {
        foreach (var group in ClipFixtures.Reference.Images.GroupBy(i => i.ResizeMode))
        {
            using var encoder = ClipImageEncoder.Open(
                models[layout].Directory, Models.Options with { ResizeMode = Enum.Parse<ClipResizeMode>(group.Key, ignoreCase: true) });
            var references = group.ToList();
            var embeddings = encoder.Encode([.. references.Select(r => ClipFixtures.Image(r.File))]);
            for (var i = 0; i < references.Count; i++)
            {
                var expected = layout == ClipLayout.HuggingFace ? references[i].HfImageEmbeds : references[i].OpenClipEmbedding;
                ClipVectors.Cosine(embeddings[i], expected).Should().BeGreaterThanOrEqualTo((float)MinimumCosine, $"{references[i].File} ({group.Key})");
            }
        }
    }

    [Fact]
    public void Batches_of_any_size_give_the_same_embeddings_as_single_runs()
    {
        var texts = ClipFixtures.Reference.Texts.Select(t => t.Text).ToArray();
        using var batchOfThree = ClipTextEncoder.Open(models[ClipLayout.HuggingFace].Directory, Models.Options with { MaxBatchSize = 3 });
        var batched = batchOfThree.Encode(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            ClipVectors.Cosine(batched[i], models[ClipLayout.HuggingFace].Text.Encode(texts[i])).Should().BeGreaterThan(0.99999f);
        }
    }

    [Fact]
    public void Trimming_the_padding_of_a_dynamic_sequence_export_does_not_change_the_embeddings()
    {
        using var untrimmed = ClipTextEncoder.Open(models[ClipLayout.HuggingFace].Directory, Models.Options with { TrimPadding = false });
        foreach (var reference in ClipFixtures.Reference.Texts)
        {
            // One text per run, so each run is cut right after that text's end token.
            var trimmed = models[ClipLayout.HuggingFace].Text.Encode(reference.Text);
            ClipVectors.Cosine(trimmed, untrimmed.Encode(reference.Text)).Should().BeGreaterThan(0.99999f, reference.Text);
            ClipVectors.Cosine(trimmed, reference.HfTextEmbeds).Should().BeGreaterThanOrEqualTo((float)MinimumCosine, reference.Text);
        }
    }

    [Fact]
    public void Both_layouts_of_one_model_agree_whatever_their_padding()
    {
        var text = ClipFixtures.Reference.Texts[2].Text;
        ClipVectors.Dot(models[ClipLayout.HuggingFace].Text.Encode(text), models[ClipLayout.OpenClip].Text.Encode(text)).Should().BeGreaterThan(0.9999f);
    }

    [Fact]
    public void A_cancelled_token_stops_encoding_before_any_run()
    {
        var act = () => models[ClipLayout.HuggingFace].Text.Encode(["a"], new CancellationToken(canceled: true));
        act.Should().Throw<OperationCanceledException>();
    }

    public sealed class Models : IDisposable
    {
        public static readonly ClipEncoderOptions Options = new() { Onnx = new OnnxOptions { Device = ExecutionDevice.Cpu, ThreadsPerSession = 1 } };

        private readonly ClipModel huggingFace = ClipModel.Open(ClipFixtures.HuggingFace, Options);
        private readonly ClipModel openClip = ClipModel.Open(ClipFixtures.OpenClip, Options);

        public ClipModel this[ClipLayout layout] => layout == ClipLayout.HuggingFace ? huggingFace : openClip;

        public void Dispose()
        {
            huggingFace.Dispose();
            openClip.Dispose();
        }
    }
}
