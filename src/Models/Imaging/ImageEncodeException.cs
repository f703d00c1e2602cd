namespace Retrieval.Models.Imaging;

/// <summary>Why an image could not be encoded or written.</summary>
public enum ImageEncodeErrorKind
{
    /// <summary>The file name's extension names no format the bundled libvips can write.</summary>
    UnsupportedFormat = 1,

    /// <summary>libvips failed while encoding.</summary>
    EncodeFailed = 2,

    /// <summary>The encoded bytes could not be written: missing or read-only folder, permissions, full disk.</summary>
    NotWritable = 3,
}

/// <summary>A typed encoding or writing failure that names the target and says what to do.</summary>
public sealed class ImageEncodeException : Exception
{
    public ImageEncodeException(string target, ImageEncodeErrorKind kind, string detail, Exception? inner = null)
        : base($"{target}: {Describe(kind)}: {detail}", inner)
    {
        Target = target;
        Kind = kind;
        Detail = detail;
    }

    /// <summary>The file path, or what was being encoded for in-memory encodes (e.g. "JPEG bytes").</summary>
    public string Target { get; }

    public ImageEncodeErrorKind Kind { get; }

    public string Detail { get; }

    private static string Describe(ImageEncodeErrorKind kind) => kind switch
    {
        ImageEncodeErrorKind.UnsupportedFormat => "cannot write this format",
        ImageEncodeErrorKind.EncodeFailed => "encoding failed",
        ImageEncodeErrorKind.NotWritable => "cannot write the file",
        _ => kind.ToString(),
    };
}
