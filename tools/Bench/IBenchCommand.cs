namespace Retrieval.Bench;

/// <summary>
/// One benchmark or measurement, run as <c>dotnet run --project tools/Bench -c Release -- NAME [args]</c>.
/// Implementations are found by reflection, so adding a benchmark is adding a class.
/// </summary>
public interface IBenchCommand
{
    /// <summary>The name on the command line, e.g. "read".</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Description { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
