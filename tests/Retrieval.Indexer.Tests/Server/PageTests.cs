using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Retrieval.Indexer.Server;
using Retrieval.Models.Geometry;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// The web page in a real browser (Debian's chromium through Playwright) against the server over a
/// real index: search as you type, results in the API's order with outlines over the matched words,
/// the viewer with every line outlined, selectable and copyable text, keyboard use.
/// </summary>
[Collection(ServedIndexCollection.Name)]
public sealed class PageTests(ServedIndexFixture fixture, ITestOutputHelper output)
{
    private const int Width = 1000;
    private const int Height = 700;

    [Fact]
    public async Task Typing_a_word_shows_the_images_that_show_it_in_ranked_order_with_the_word_outlined_and_a_result_opens_with_copyable_text()
    {
        if (ChromiumBrowser.SkipReason is { } reason)
        {
            output.WriteLine("Skipped: " + reason);
            return;
        }

        var expected = (await fixture.Client.GetFromJsonAsync<SearchPageJson>("/api/search?q=exit"))!;
        expected.Results.Select(r => r.Path).Should().BeEquivalentTo(["signs/exit.png", "signs/emergency.png", "parking.png"]);

        await using var browser = await ChromiumBrowser.LaunchAsync(Width, Height);
        await browser.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fixture.Server.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await browser.Context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };

        var status = (await fixture.Client.GetFromJsonAsync<StatusJson>("/api/status"))!;
        await page.GotoAsync(fixture.Server.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#status-text")).ToContainTextAsync($"{status.Index.Images} images · {status.Index.Lines} lines");

        // Search as you type: keys one by one, the debounced search runs once typing pauses.
        await page.Locator("#q").PressSequentiallyAsync("exit", new() { Delay = 40 });
        var cards = page.Locator("#results .card > a");
        await Assertions.Expect(cards).ToHaveCountAsync(expected.Results.Count);
        var ids = await cards.EvaluateAllAsync<long[]>("links => links.map(a => Number(a.dataset.id))");
        ids.Should().Equal(expected.Results.Select(r => r.Id), "the page shows the API's ranking");
        await Assertions.Expect(page.Locator("#summary")).ToContainTextAsync("3 images match");

        // Each card outlines its match where the word is drawn on the thumbnail.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#results img')].every(i => i.complete && i.naturalWidth > 0)");
        for (var i = 0; i < expected.Results.Count; i++)
        {
            var scene = fixture.Files.Single(f => f.RelativePath == expected.Results[i].Path);
            var word = ApiAssertions.WordBox(scene, "EXIT");
            var drawn = await OutlineOnScreenAsync(cards.Nth(i), scene);
            var wanted = await ImageToScreenAsync(cards.Nth(i), scene, word);
            output.WriteLine($"{scene.RelativePath}: outline {drawn}, word {wanted}");
            Overlap(drawn, wanted).Should().BeGreaterThan(0.5, $"the outline on {scene.RelativePath} covers the word EXIT");
        }

        var screenshot = Path.Combine(TestArtifacts.Folder, "page-results.png");
        await page.ScreenshotAsync(new() { Path = screenshot });
        output.WriteLine("Screenshot: " + screenshot);
        if (Environment.GetEnvironmentVariable("RETRIEVAL_UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(screenshot, Path.Combine(TestArtifacts.RepositoryRoot, "docs", "screenshot.png"), overwrite: true);
        }

        // Keyboard: down from the search box to the first result, Enter opens it.
        await page.Locator("#q").PressAsync("ArrowDown");
        await Assertions.Expect(cards.First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        var viewer = page.Locator("#viewer");
        await Assertions.Expect(viewer).ToBeVisibleAsync();
        var first = fixture.Files.Single(f => f.RelativePath == expected.Results[0].Path);
        var text = (await fixture.Client.GetFromJsonAsync<ImageTextJson>($"/api/images/{expected.Results[0].Id}/text"))!;
        await Assertions.Expect(page.Locator("#line-list li")).ToHaveCountAsync(text.Lines.Count);
        await Assertions.Expect(page.Locator("#viewer-overlay polygon.line")).ToHaveCountAsync(text.Lines.Count);
        await Assertions.Expect(page.Locator("#viewer-overlay polygon.match")).ToHaveCountAsync(expected.Results[0].Matches.Count);
        await Assertions.Expect(page.Locator("#line-list mark").First).ToHaveTextAsync("EXIT");
        await Assertions.Expect(page.Locator("#viewer-title")).ToHaveTextAsync(first.RelativePath);

        // The text is selectable on the image and copyable with the button.
        var selected = await page.EvaluateAsync<string>("() => { const r = document.createRange(); r.selectNodeContents(document.getElementById('text-layer')); const s = getSelection(); s.removeAllRanges(); s.addRange(r); return s.toString(); }");
        selected.Should().Contain(text.Lines[0].Text);
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestArtifacts.Folder, "page-viewer.png") });
        await page.EvaluateAsync("() => getSelection().removeAllRanges()");
        await page.Locator("#copy-text").ClickAsync();
        await Assertions.Expect(page.Locator("#copy-text")).ToHaveTextAsync("Copied");
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        copied.Should().Be(string.Join('\n', text.Lines.Select(l => l.Text)));

        // Arrows step through results inside the viewer; Escape closes it and returns to the result.
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator("#viewer-title")).ToHaveTextAsync(expected.Results[1].Path);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(viewer).ToBeHiddenAsync();
        await Assertions.Expect(cards.Nth(1)).ToBeFocusedAsync();

        // A query nothing matches explains itself and offers something to try.
        await page.Locator("#q").FillAsync("\"purple zebra\"");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("No image shows");
        await Assertions.Expect(page.Locator("#message button.try").First).ToHaveTextAsync("purple zebra");
        await Assertions.Expect(cards).ToHaveCountAsync(0);

        errors.Should().BeEmpty("the page logs no script errors");
    }

    [Fact]
    public async Task On_a_phone_screen_results_load_page_by_page_as_you_scroll_and_the_viewer_fills_the_screen()
    {
        if (ChromiumBrowser.SkipReason is { } reason)
        {
            output.WriteLine("Skipped: " + reason);
            return;
        }

        var expected = (await fixture.Client.GetFromJsonAsync<SearchPageJson>("/api/search?q=exit"))!;
        await using var browser = await ChromiumBrowser.LaunchAsync(390, 844);
        var page = await browser.Context.NewPageAsync();
        var searches = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/api/search", StringComparison.Ordinal))
            {
                searches.Add(new Uri(r.Url).Query);
            }
        };

        // One result per request: the page fetches the next page whenever the end of the list is in view.
        await page.GotoAsync(new Uri(fixture.Server.BaseAddress, "/?top=1&q=exit").ToString());
        var cards = page.Locator("#results .card > a");
        await Assertions.Expect(cards).ToHaveCountAsync(expected.Results.Count);
        (await cards.EvaluateAllAsync<long[]>("links => links.map(a => Number(a.dataset.id))")).Should().Equal(expected.Results.Select(r => r.Id));
        searches.Should().Equal(Enumerable.Range(0, expected.Results.Count).Select(i => $"?q=exit&top=1&offset={i}"));
        await Assertions.Expect(page.Locator("#more")).ToBeHiddenAsync();

        // Two readable columns on a phone, and a viewer that takes the whole screen.
        var width = await cards.First.EvaluateAsync<double>("a => a.getBoundingClientRect().width");
        width.Should().BeInRange(150, 195);
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestArtifacts.Folder, "page-phone.png") });
        await cards.First.ClickAsync();
        await Assertions.Expect(page.Locator("#line-list li").First).ToBeVisibleAsync();
        var viewer = await page.Locator("#viewer").EvaluateAsync<double[]>("d => { const r = d.getBoundingClientRect(); return [r.width, r.height]; }");
        viewer.Should().Equal(390, 844);
        await page.Locator("#viewer-close").ClickAsync();
        await Assertions.Expect(page.Locator("#viewer")).ToBeHiddenAsync();
    }

    /// <summary>The screen box of the card's first match outline.</summary>
    private static async Task<Box> OutlineOnScreenAsync(ILocator card, SceneFile scene)
    {
        var rect = await card.Locator(".thumb polygon.match").First.EvaluateAsync<JsonElement>("p => { const r = p.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }");
        return Box.From(rect);
    }

    /// <summary>Where a box in image pixels appears over the card's thumbnail (object-fit: contain).</summary>
    private static async Task<Box> ImageToScreenAsync(ILocator card, SceneFile scene, Quad quad)
    {
        var script = string.Create(CultureInfo.InvariantCulture, $$"""
            img => {
              const r = img.getBoundingClientRect();
              const s = Math.min(r.width / {{scene.Width}}, r.height / {{scene.Height}});
              const x = r.left + (r.width - {{scene.Width}} * s) / 2, y = r.top + (r.height - {{scene.Height}} * s) / 2;
              return [x + {{quad.MinX}} * s, y + {{quad.MinY}} * s, x + {{quad.MaxX}} * s, y + {{quad.MaxY}} * s];
            }
            """);
        return Box.From(await card.Locator(".thumb img").EvaluateAsync<JsonElement>(script));
    }

    private static double Overlap(Box a, Box b)
    {
        var w = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left));
        var h = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top));
        var intersection = w * h;
        return intersection / ((a.Width * a.Height) + (b.Width * b.Height) - intersection);
    }

    private readonly record struct Box(double Left, double Top, double Right, double Bottom)
    {
        public double Width => Right - Left;

        public double Height => Bottom - Top;

        public static Box From(JsonElement e) => new(e[0].GetDouble(), e[1].GetDouble(), e[2].GetDouble(), e[3].GetDouble());

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Left:0},{Top:0})-({Right:0},{Bottom:0})");
    }
}
