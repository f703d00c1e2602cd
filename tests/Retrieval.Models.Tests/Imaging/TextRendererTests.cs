using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class TextRendererTests
{
    [Fact]
    public void Rendered_text_darkens_pixels_where_it_is_drawn_and_round_trips_through_png()
    {
        var scene = new SceneSpec(320, 120, [new TextItem("EXIT", 20, 30, "DejaVu Sans Bold 48")], SceneBackground.Noise);
        var image = TextRenderer.Render(scene);
        var dark = 0;
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            if (image.Pixels[i] < 60)
            {
                dark++;
            }
        }

        dark.Should().BeGreaterThan(500);
        var decoded = ImageDecoder.Decode(ImageEncoder.EncodePng(image), "scene.png").Image;
        decoded.Pixels.Should().Equal(image.Pixels);
    }
}
