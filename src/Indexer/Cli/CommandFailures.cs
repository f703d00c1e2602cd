using System.CommandLine;
using System.CommandLine.Invocation;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Query;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Cli;

/// <summary>
/// Turns the errors that stop a command (an index that cannot be opened or written, a model that
/// does not load, an invalid option or query, an input file that cannot be read) into one line on
/// stderr and the documented exit code (docs/CLI.md: 1 fatal, 2 bad command line or query). Their
/// messages already say what to do, so a stack trace would only hide that. Any other exception is a
/// bug and keeps System.CommandLine's report with its stack trace.
/// </summary>
internal static class CommandFailures
{
    public const int Fatal = 1;
    public const int Usage = 2;

    /// <summary>Wraps the action of <paramref name="command"/> and of all its subcommands.</summary>
    public static void Guard(Command command)
    {
        if (command.Action is AsynchronousCommandLineAction action)
        {
            command.Action = new GuardedAction(CommandPath(command), action);
        }

        foreach (var sub in command.Subcommands)
        {
            Guard(sub);
        }
    }

    /// <summary>The exit code for an error that stops a command, or null for one that is a bug.</summary>
    public static int? ExitCode(Exception e) => e switch
    {
        QueryException or ArgumentException and not ArgumentNullException => Usage,
        IndexStoreException or ModelLoadException or ImageDecodeException or DatasetFormatException or IOException or UnauthorizedAccessException => Fatal,
        _ => null,
    };

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && s is not RootCommand; s = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names.Prepend("retrieval"));
    }

    private sealed class GuardedAction(string name, AsynchronousCommandLineAction inner) : AsynchronousCommandLineAction
    {
        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.InvokeAsync(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ExitCode(e) is { } code)
            {
                // ArgumentOutOfRangeException appends "Actual value was ..." on a new line; one line reads better.
                await Console.Error.WriteLineAsync($"{name}: {e.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                return code;
            }
        }
    }
}
