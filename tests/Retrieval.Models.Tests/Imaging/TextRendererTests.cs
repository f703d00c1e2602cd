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

public sealed class TextRendererBoxTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public void The_returned_quad_covers_the_ink(double angle)
    {
        var scene = new SceneSpec(400, 300, [new TextItem("HELLO", 60, 80, "DejaVu Sans Bold 40", angle)]);
        var rendered = TextRenderer.RenderWithBoxes(scene);
        var quad = rendered.TextBoxes.Single();
        var image = rendered.Image;
        long inside = 0, total = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.Pixels[((y * image.Width) + x) * 3] < 100)
                {
                    total++;
                    if (x >= quad.MinX - 2 && x <= quad.MaxX + 2 && y >= quad.MinY - 2 && y <= quad.MaxY + 2)
                    {
                        inside++;
                    }
                }
            }
        }

        total.Should().BeGreaterThan(300);
        inside.Should().Be(total);
        quad.Width.Should().BeGreaterThan(quad.Height * 2);
    }
}
