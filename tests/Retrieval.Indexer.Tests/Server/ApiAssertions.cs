using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Retrieval.Models.Geometry;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>Checks shared by the API tests: problem responses and box overlap.</summary>
internal static class ApiAssertions
{
    /// <summary>Asserts an RFC 9457 problem with this status whose detail contains <paramref name="detailPart"/>; returns the detail.</summary>
    public static async Task<string> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? detailPart = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", body);
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("status").GetInt32().Should().Be((int)status);
        var detail = json.RootElement.GetProperty("detail").GetString();
        detail.Should().NotBeNullOrWhiteSpace();
        if (detailPart is not null)
        {
            detail.Should().Contain(detailPart);
        }

        return detail!;
    }

    public static async Task<T> ShouldBeJsonAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    /// <summary>Intersection over union of the axis-aligned boxes of two quads.</summary>
    public static double Overlap(Quad a, Quad b)
    {
        var w = Math.Max(0, Math.Min(a.MaxX, b.MaxX) - Math.Max(a.MinX, b.MinX));
        var h = Math.Max(0, Math.Min(a.MaxY, b.MaxY) - Math.Max(a.MinY, b.MinY));
        var intersection = w * h;
        var union = ((a.MaxX - a.MinX) * (a.MaxY - a.MinY)) + ((b.MaxX - b.MinX) * (b.MaxY - b.MinY)) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    public static Quad ToQuad(float[][] corners) =>
        new(new PointF(corners[0][0], corners[0][1]), new PointF(corners[1][0], corners[1][1]), new PointF(corners[2][0], corners[2][1]), new PointF(corners[3][0], corners[3][1]));

    /// <summary>Where <paramref name="word"/> is drawn in a scene: its share of the rendered line box.</summary>
    public static Quad WordBox(SceneFile scene, string word)
    {
        foreach (var (text, box) in scene.Lines)
        {
            var at = text.IndexOf(word, StringComparison.Ordinal);
            if (at >= 0)
            {
                return box.Slice((float)at / text.Length, (float)(at + word.Length) / text.Length);
            }
        }

        throw new InvalidOperationException($"{scene.RelativePath} does not show {word}.");
    }
}
