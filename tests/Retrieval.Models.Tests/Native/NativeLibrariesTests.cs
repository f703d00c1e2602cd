using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Retrieval.Models.Imaging;
using Retrieval.Models.Native;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Tests.Native;

public sealed class NativeLibrariesTests
{
    [Fact]
    public void Onnx_runtime_loads_from_the_cache_and_reports_its_version()
    {
        NativeLibraries.Register();
        OrtEnv.Instance().GetVersionString().Should().StartWith("1.29");
    }

    [Fact]
    public void The_detection_model_opens_on_the_cpu_with_its_expected_signature()
    {
        var path = Path.Combine(RetrievalCache.PaddleOcrModelsDirectory, "ch_PP-OCRv4_det_infer.onnx");
        using var session = ModelSession.Open(
            path,
            new OnnxOptions { Device = ExecutionDevice.Cpu },
            [new TensorSpec("x", TensorElementType.Float, 4)],
            [new TensorSpec("sigmoid_0.tmp_0", TensorElementType.Float, 4)]);
        session.Device.Should().Be(ExecutionDevice.Cpu);
    }

    [Fact]
    public void A_png_encoded_in_memory_decodes_to_rgb()
    {
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAQ/wH/1Xf5lgAAAABJRU5ErkJggg==");
        var decoded = ImageDecoder.Decode(png, "tiny.png");
        decoded.Image.Width.Should().Be(2);
        decoded.Image.Height.Should().Be(1);
    }
}
