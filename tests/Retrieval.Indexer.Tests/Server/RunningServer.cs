using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Server;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>A <see cref="RetrievalServer"/> listening on a free loopback port (real Kestrel, real HTTP), stopped on dispose.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(ServeOptions options, IIndexStore store, Action<WebApplicationBuilder>? configure = null, ClipChannel? clip = null)
    {
        var app = RetrievalServer.Build(
            options,
            store,
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                configure?.Invoke(builder);
            },
            clip);
        await app.StartAsync();
        return new RunningServer(app, new Uri(app.Urls.First()));
    }

    /// <summary>Options for a test server: loopback, a free port, thumbnails in <paramref name="thumbnails"/>.</summary>
    public static ServeOptions Options(string indexDirectory, string thumbnails) => new()
    {
        IndexDirectory = indexDirectory,
        Urls = ["http://127.0.0.1:0"],
        ThumbnailDirectory = thumbnails,
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
