namespace Retrieval.Search.Evaluation.Mat;

/// <summary>A MAT file that is corrupt or uses a feature this reader does not read; the message names the file and what to do.</summary>
public sealed class MatFormatException : Exception
{
    public MatFormatException(string message)
        : base(message)
    {
    }

    public MatFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
