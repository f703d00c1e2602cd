using Microsoft.Playwright;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// Debian's chromium driven by Playwright, with a new empty profile: never a downloaded browser
/// (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set), no network beyond the test server.
/// </summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright playwright;
    private readonly TestFolder profile;

    private ChromiumBrowser(IPlaywright playwright, IBrowserContext context, TestFolder profile)
    {
        this.playwright = playwright;
        Context = context;
        this.profile = profile;
    }

    public IBrowserContext Context { get; }

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => File.Exists(ExecutablePath)
        ? null
        : $"{ExecutablePath} not found: install Debian's chromium (build/install-test-deps.sh installs it as root).";

    public static async Task<ChromiumBrowser> LaunchAsync(int width, int height)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var profile = new TestFolder("retrieval-chromium-");
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = width, Height = height },
                DeviceScaleFactor = 1,
                Timeout = 60_000,
            });
            return new ChromiumBrowser(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            profile.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        playwright.Dispose();
        profile.Dispose();
    }
}
