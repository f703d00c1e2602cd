using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Retrieval.Search;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Server;

/// <summary>
/// The search server: Kestrel with the HTTP API under /api, its OpenAPI document and the web page,
/// over one index store. The indexer runs in the same process when the caller registers an
/// <see cref="IIndexingControl"/> (and its hosted services) in <c>configure</c>; otherwise the server
/// only reads. The caller owns <paramref name="store"/> and disposes it after the app stops.
/// Tests build it directly on an ephemeral port (<c>http://127.0.0.1:0</c>).
/// </summary>
public static class RetrievalServer
{
    /// <param name="options">What to serve and how.</param>
    /// <param name="store">The index (owned by the caller).</param>
    /// <param name="configure">Registers more services (the in-process indexer).</param>
    /// <param name="clip">The index's CLIP channel (owned by the caller), or null to search by text only.</param>
    public static WebApplication Build(ServeOptions options, IIndexStore store, Action<WebApplicationBuilder>? configure = null, ClipChannel? clip = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(RetrievalServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes;
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(Searcher.Create(new CachedSearchReads(store), clip));
        services.AddSingleton<SearchService>();
        services.AddSingleton<ThumbnailCache>();
        services.AddSingleton<VideoFrames>();
        services.AddSingleton<IndexGeneration>();
        services.AddSingleton(PageAssets.Load());
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddProblemDetails();
        if (!options.ListensBeyondLoopback)
        {
            // Only loopback names are accepted as Host, so a web page cannot reach this server
            // through a DNS name it rebinds to 127.0.0.1.
            services.AddHostFiltering(o => o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        }

        configure?.Invoke(builder);
        services.TryAddSingleton<IIndexingControl, DisabledIndexing>();

        var app = builder.Build();
        app.UseMiddleware<ProblemMiddleware>();
        if (!options.ListensBeyondLoopback)
        {
            app.UseHostFiltering();
        }

        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseStatusCodePages(context => EmptyErrorAsProblem(context.HttpContext));
        MapRoutes(app, options);
        return app;
    }

    private static void MapRoutes(WebApplication app, ServeOptions options)
    {
        var read = new ApiKeyFilter(ApiAccess.Read, options);
        var write = new ApiKeyFilter(ApiAccess.Write, options);
        app.MapGet("/api/search", SearchEndpoint.HandleAsync).AddEndpointFilter(read);
        app.MapGet("/api/images/{id}", ImageEndpoints.OriginalAsync).AddEndpointFilter(read);
        app.MapGet("/api/images/{id}/thumbnail", ImageEndpoints.ThumbnailAsync).AddEndpointFilter(read);
        app.MapGet("/api/images/{id}/text", ImageEndpoints.TextAsync).AddEndpointFilter(read);
        app.MapGet("/api/images/{id}/video", ImageEndpoints.VideoAsync).AddEndpointFilter(read);
        app.MapGet("/api/status", StatusEndpoint.HandleAsync).AddEndpointFilter(read);
        app.MapPost("/api/index", IndexEndpoint.HandleAsync).AddEndpointFilter(write);
        app.MapDelete("/api/images/{id}", ImageEndpoints.DeleteAsync).AddEndpointFilter(write);

        var document = OpenApiDocument.Create(options).ToJsonString();
        app.MapGet("/openapi.json", () => TypedResults.Text(document, "application/json", System.Text.Encoding.UTF8));

        var page = app.Services.GetRequiredService<PageAssets>();
        foreach (var path in page.Paths)
        {
            app.MapGet(path, page.Serve);
        }
    }

    /// <summary>Responses the pipeline ended without a body (no route, wrong method) get a problem body too.</summary>
    private static Task EmptyErrorAsProblem(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var path = ApiProblems.Shorten(context.Request.Path.Value);
        var detail = status switch
        {
            StatusCodes.Status404NotFound => $"Nothing at {path}; the page is at / and the API is described at /openapi.json.",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {path}; /openapi.json lists the methods each path takes.",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return ApiProblems.Problem(status, ReasonPhrases.GetReasonPhrase(status), detail).ExecuteAsync(context);
    }
}
