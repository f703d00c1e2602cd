using Microsoft.Extensions.Logging;

namespace Retrieval.Indexer.Cli;

/// <summary>Logging for one-shot commands: warnings and errors to stderr, so stdout stays clean for results.</summary>
internal static class ConsoleLogging
{
    public static ILoggerFactory Create(bool quiet, LogLevel level = LogLevel.Warning) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(level);
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = null;
            });
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            if (quiet)
            {
                builder.AddFilter((_, l) => l >= LogLevel.Warning);
            }
        });
}
