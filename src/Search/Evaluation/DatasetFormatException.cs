namespace Retrieval.Search.Evaluation;

/// <summary>
/// A benchmark's files are missing or not in the expected format. The message names the file (and
/// line, where there is one) and what was expected, so the user can fix the input.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string message)
        : base(message)
    {
    }

    public DatasetFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>A problem on one line of a text file: "<c>path:line: message</c>".</summary>
    public static DatasetFormatException AtLine(string path, int line, string message) => new($"{path}:{line}: {message}");
}
