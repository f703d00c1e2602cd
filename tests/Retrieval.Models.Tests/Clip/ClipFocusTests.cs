using Retrieval.Models.Clip;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Clip;

public sealed class ClipFocusTests
{
    private static readonly ClipFocusOptions Defaults = new();

    [Fact]
    public void A_line_gets_a_square_crop_centred_on_it_with_half_a_text_height_of_context()
    {
        var regions = ClipFocus.Plan([Box(100, 200, 80, 20)], 1280, 720, Defaults);

        var region = regions.Should().ContainSingle().Subject;
        region.Side.Should().Be(80 + 20, "the longer side plus half a text height on each side");
        region.Left.Should().Be(90);
        region.Top.Should().Be(160);
        region.Text.Should().Be(Box(100, 200, 80, 20));
        region.Lines.Should().Be(1);
    }

    [Fact]
    public void Nearby_lines_of_similar_size_form_one_region_and_distant_or_different_ones_do_not()
    {
        Quad[] lines =
        [
            Box(100, 100, 200, 30), // a sign's first line
            Box(110, 140, 180, 30), // its second line, 10 px below
            Box(700, 100, 200, 30), // far to the right
            Box(100, 180, 200, 8),  // fine print under the sign: much smaller text
        ];

        var regions = ClipFocus.Plan(lines, 1280, 720, Defaults);

        regions.Should().HaveCount(3);
        regions.Select(r => r.Lines).Should().BeEquivalentTo(new[] { 2, 1, 1 });
        regions.Single(r => r.Lines == 2).Text.Should().Be(Box(100, 100, 200, 70));
        ClipFocus.Plan(lines, 1280, 720, Defaults with { GroupLines = false }).Should().HaveCount(4);
    }

    [Fact]
    public void Only_the_regions_with_the_tallest_text_are_kept_beyond_the_limit()
    {
        var lines = Enumerable.Range(0, 10).Select(i => Box(i * 120, 10, 60, 5 + i)).ToList();

        var regions = ClipFocus.Plan(lines, 1280, 720, Defaults with { MaxRegions = 3, GroupLines = false });

        regions.Select(r => (int)r.Text.Height).Should().Equal(14, 13, 12);
        ClipFocus.Plan(lines, 1280, 720, Defaults with { MaxRegions = 0 }).Should().BeEmpty();
    }

    [Fact]
    public void A_crop_near_the_border_is_moved_inside_the_image_and_one_larger_than_the_image_is_padded()
    {
        var inside = ClipFocus.Plan([Box(0, 0, 40, 20)], 640, 480, Defaults).Single();
        inside.Left.Should().Be(0);
        inside.Top.Should().Be(0);

        var image = RgbImage.Filled(100, 50, 200, 100, 50);
        var wide = ClipFocus.Plan([Box(0, 10, 100, 30)], 100, 50, Defaults).Single();
        wide.Side.Should().Be(130);
        var crop = ClipFocus.Crop(image, wide, fill: 7);

        crop.Width.Should().Be(130);
        crop.Height.Should().Be(130);
        Pixel(crop, 65, 65).Should().Be((200, 100, 50), "the image sits in the middle");
        Pixel(crop, 0, 0).Should().Be((7, 7, 7), "outside the image is padding");
    }

    private static (byte, byte, byte) Pixel(RgbImage image, int x, int y)
    {
        var i = (y * image.Stride) + (x * 3);
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    private static Quad Box(float x, float y, float w, float h) =>
        new(new PointF(x, y), new PointF(x + w, y), new PointF(x + w, y + h), new PointF(x, y + h));
}
