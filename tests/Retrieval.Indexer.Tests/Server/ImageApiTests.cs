using System.Net;
using System.Net.Http.Headers;
using Retrieval.Indexer.Server;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>GET /api/images/{id}, its thumbnail and its text, over real HTTP against a real index.</summary>
[Collection(ServedIndexCollection.Name)]
public sealed class ImageApiTests(ServedIndexFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task The_original_is_the_indexed_file_byte_for_byte_with_its_media_type_and_cache_headers()
    {
        var scene = fixture.Files.Single(f => f.RelativePath == "shop/bakery.jpg");

        var response = await Client.GetAsync($"/api/images/{fixture.Ids[scene.RelativePath]}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(await File.ReadAllBytesAsync(scene.FullPath));
        response.Headers.ETag.Should().NotBeNull();
        response.Content.Headers.LastModified.Should().NotBeNull();
        response.Headers.CacheControl!.Private.Should().BeTrue();
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Fact]
    public async Task A_thumbnail_is_a_small_jpeg_made_once_cached_on_disk_and_revalidated_by_its_etag()
    {
        var id = fixture.Ids["parking.png"];
        var url = $"/api/images/{id}/thumbnail?size=128";

        var first = await Client.GetAsync(url);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        var bytes = await first.Content.ReadAsByteArrayAsync();
        var info = ImageProbe.Probe(bytes, "thumbnail");
        info.Format.Should().Be("jpeg");
        (info.Width, info.Height).Should().Be((128, 72), "640x360 fits 128 pixels as 128x72");
        var tag = first.Headers.ETag!;
        Directory.EnumerateFiles(fixture.ThumbnailDirectory, $"{id}-128-*.jpg", SearchOption.AllDirectories).Should().ContainSingle("the thumbnail is cached on disk");

        var again = await Client.GetAsync(url);
        again.Headers.ETag.Should().Be(tag, "an unchanged file keeps its tag");
        (await again.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(tag);
        var notModified = await Client.SendAsync(conditional);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);
        (await notModified.Content.ReadAsByteArrayAsync()).Should().BeEmpty();

        var other = await Client.GetAsync($"/api/images/{id}/thumbnail?size=256");
        other.Headers.ETag.Should().NotBe(tag, "each size has its own tag");
    }

    [Fact]
    public async Task The_default_thumbnail_fits_320_pixels()
    {
        var response = await Client.GetAsync($"/api/images/{fixture.Ids["signs/emergency.png"]}/thumbnail");

        var info = ImageProbe.Probe(await response.Content.ReadAsByteArrayAsync(), "thumbnail");
        (info.Width, info.Height).Should().Be((320, 133));
    }

    [Theory]
    [InlineData("7")]
    [InlineData("5000")]
    [InlineData("big")]
    public async Task A_thumbnail_size_outside_the_served_set_is_refused_with_the_sizes_to_use(string size)
    {
        var response = await Client.GetAsync($"/api/images/{fixture.Ids["parking.png"]}/thumbnail?size={size}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_text_of_an_image_lists_every_line_and_word_with_quads_in_reading_order()
    {
        var scene = fixture.Files.Single(f => f.RelativePath == "signs/exit.png");

        var text = await (await Client.GetAsync($"/api/images/{fixture.Ids[scene.RelativePath]}/text")).ShouldBeJsonAsync<ImageTextJson>();

        text.Path.Should().Be("signs/exit.png");
        text.Status.Should().Be("Ok");
        (text.Width, text.Height).Should().Be((640, 360));
        // The recognizer may or may not read the narrow spaces of the small line; the letters are what count.
        text.Lines.Select(l => l.Text.Replace(" ", string.Empty, StringComparison.Ordinal)).Should().Equal("EXIT", "Stairstolevel2");
        for (var i = 0; i < scene.Lines.Count; i++)
        {
            ApiAssertions.Overlap(ApiAssertions.ToQuad(text.Lines[i].Quad), scene.Lines[i].Box).Should().BeGreaterThan(0.6);
            string.Concat(text.Lines[i].Words.Select(w => w.Text)).Should().Be(text.Lines[i].Text.Replace(" ", string.Empty, StringComparison.Ordinal));
        }

        text.Lines.SelectMany(l => l.Words).Should().OnlyContain(w => w.Quad.Length == 4 && w.Confidence > 0.5f);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/thumbnail")]
    [InlineData("/text")]
    public async Task An_id_that_is_not_in_the_index_gets_404_with_what_to_do(string suffix)
    {
        var response = await Client.GetAsync($"/api/images/987654{suffix}");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "no image 987654");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public async Task An_id_that_is_not_a_positive_number_gets_400(string id)
    {
        await (await Client.GetAsync($"/api/images/{id}/text")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "is not an image id");
    }

    [Fact]
    public async Task A_range_request_for_the_original_gets_part_of_the_file()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/images/{fixture.Ids["parking.png"]}");
        request.Headers.Range = new RangeHeaderValue(0, 7);

        var response = await Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
    }
}
