using System.Text.Json.Nodes;
using Retrieval.Models.Clip;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Tests.Clip;

public sealed class ClipModelDirectoryTests
{
    private static readonly ClipEncoderOptions Options = new() { Onnx = new OnnxOptions { Device = ExecutionDevice.Cpu, ThreadsPerSession = 1 } };

    [Fact]
    public void The_layout_and_side_files_are_found_for_both_exports()
    {
        var hf = ClipModelDirectory.Open(ClipFixtures.HuggingFace);
        hf.Layout.Should().Be(ClipLayout.HuggingFace);
        hf.TextModelPath.Should().EndWith("text_model.onnx");
        hf.Preprocess.Should().BeEquivalentTo(new ClipPreprocessConfig { ImageSize = 32, Filter = ResampleFilter.Bicubic, ResizeMode = ClipResizeMode.Shortest });
        hf.ModelConfig.Should().Be(new ClipModelConfig(32, 77, 32));

        var oc = ClipModelDirectory.Open(ClipFixtures.OpenClip);
        oc.Layout.Should().Be(ClipLayout.OpenClip);
        oc.VisionModelPath.Should().EndWith(Path.Combine("visual", "model.onnx"));
        oc.SideFiles.Select(Path.GetFileName).Should().Contain(["tokenizer.json", "tokenizer_config.json", "preprocess_cfg.json", "config.json"]);
        oc.Tokenizer.Padding.Should().Be(ClipPadding.Zeros);
    }

    [Fact]
    public void A_folder_with_no_clip_towers_is_refused_with_both_layouts_described()
    {
        using var empty = ClipFixtures.Copy(Path.Combine(ClipFixtures.Directory, "images"));
        var act = () => ClipModelDirectory.Open(empty.Path);
        act.Should().Throw<ModelLoadException>().WithMessage("*not a CLIP export*text_model.onnx*textual/model.onnx*");
    }

    [Fact]
    public void A_missing_tower_is_named()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.OpenClip);
        File.Delete(copy["visual/model.onnx"]);
        var act = () => ClipModelDirectory.Open(copy.Path);
        act.Should().Throw<ModelLoadException>().WithMessage("*visual*model.onnx is missing*vision tower*");
    }

    [Fact]
    public void A_missing_tokenizer_says_which_files_are_expected()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.HuggingFace);
        File.Delete(copy["merges.txt"]);
        var act = () => ClipModelDirectory.Open(copy.Path);
        act.Should().Throw<ModelLoadException>().WithMessage("*tokenizer is missing*vocab.json + merges.txt or tokenizer.json*");
    }

    [Fact]
    public void A_missing_preprocessing_config_is_named()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.HuggingFace);
        File.Delete(copy["preprocessor_config.json"]);
        var act = () => ClipModelDirectory.Open(copy.Path);
        act.Should().Throw<ModelLoadException>().WithMessage("*preprocessor_config.json is missing*");
    }

    [Fact]
    public void A_tower_with_the_wrong_input_name_is_refused_with_the_names_it_has()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.HuggingFace);
        File.Copy(Path.Combine(ClipFixtures.OpenClip, "textual", "model.onnx"), copy["text_model.onnx"], overwrite: true);
        var act = () => ClipTextEncoder.Open(ClipModelDirectory.Open(copy.Path), Options);
        act.Should().Throw<ModelLoadException>().WithMessage("*text_model.onnx: expected an input named 'input_ids', the model has 'text'*");
    }

    [Fact]
    public void Towers_of_different_widths_are_refused_as_not_belonging_together()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.HuggingFace);
        File.Copy(Path.Combine(ClipFixtures.Directory, "broken", "vision_model_width16.onnx"), copy["vision_model.onnx"], overwrite: true);
        File.Delete(copy["config.json"]);
        var act = () => ClipModel.Open(copy.Path, Options);
        act.Should().Throw<ModelLoadException>().WithMessage("*do not belong together*32-wide text*16-wide image*");
    }

    [Fact]
    public void A_config_that_disagrees_with_the_tower_width_is_refused()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.HuggingFace);
        EditJson(copy["config.json"], c => c["projection_dim"] = 48);
        var act = () => ClipTextEncoder.Open(ClipModelDirectory.Open(copy.Path), Options);
        act.Should().Throw<ModelLoadException>().WithMessage("*text_model.onnx: output 'text_embeds' is 32 wide, but config.json says*48*");
    }

    [Fact]
    public void A_preprocessing_size_that_disagrees_with_the_vision_tower_is_refused()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.OpenClip);
        EditJson(copy["visual/preprocess_cfg.json"], c => c["size"] = new JsonArray(64, 64));
        EditJson(copy["config.json"], c => c["vision_cfg"]!["image_size"] = 64);
        var act = () => ClipImageEncoder.Open(ClipModelDirectory.Open(copy.Path), Options);
        act.Should().Throw<ModelLoadException>().WithMessage("*takes 32x32 images*preprocess_cfg.json prepares 64x64*");
    }

    [Fact]
    public void An_unknown_pad_token_is_refused_and_a_missing_tokenizer_config_falls_back_to_the_layout_convention()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.OpenClip);
        EditJson(copy["textual/tokenizer_config.json"], c => c["pad_token"] = "cat");
        var act = () => ClipModelDirectory.Open(copy.Path);
        act.Should().Throw<ModelLoadException>().WithMessage("*pad_token 'cat'*");

        File.Delete(copy["textual/tokenizer_config.json"]);
        ClipModelDirectory.Open(copy.Path).Tokenizer.Padding.Should().Be(ClipPadding.Zeros);
    }

    [Fact]
    public void The_fingerprint_is_stable_and_changes_when_any_file_that_shapes_embeddings_changes()
    {
        using var copy = ClipFixtures.Copy(ClipFixtures.HuggingFace);
        var original = ClipModelDirectory.Open(ClipFixtures.HuggingFace).ComputeFingerprint();
        var copied = ClipModelDirectory.Open(copy.Path).ComputeFingerprint();
        copied.Id.Should().Be(original.Id);
        copied.Id.Should().MatchRegex("^[0-9a-f]{64}$");
        copied.Files.Select(f => f.RelativePath).Should().Contain(["text_model.onnx", "vision_model.onnx", "vocab.json", "merges.txt", "preprocessor_config.json"]);

        EditJson(copy["preprocessor_config.json"], c => c["image_std"] = new JsonArray(0.5, 0.5, 0.5));
        ClipModelDirectory.Open(copy.Path).ComputeFingerprint().Id.Should().NotBe(original.Id);
    }

    private static void EditJson(string path, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }
}
