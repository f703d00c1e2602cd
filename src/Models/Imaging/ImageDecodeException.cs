namespace Retrieval.Models.Imaging;

/// <summary>Why an image could not be decoded; persisted with failed index records, so values are frozen.</summary>
public enum ImageErrorKind
{
    NotFound = 1,
    Empty = 2,
    Unsupported = 3,
    Corrupt = 4,
    Truncated = 5,
    TooLarge = 6,
    Unreadable = 7,
}

/// <summary>A typed decoding failure that names the file and what went wrong.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string source, ImageErrorKind kind, string detail)
        : base($"{source}: {Describe(kind)}: {detail}")
    {
        Source = source;
        Kind = kind;
        Detail = detail;
    }

    public new string Source { get; }

    public ImageErrorKind Kind { get; }

    public string Detail { get; }

    private static string Describe(ImageErrorKind kind) => kind switch
    {
        ImageErrorKind.NotFound => "file not found",
        ImageErrorKind.Empty => "empty file",
        ImageErrorKind.Unsupported => "not an image format libvips can read",
        ImageErrorKind.Corrupt => "corrupt image",
        ImageErrorKind.Truncated => "truncated image",
        ImageErrorKind.TooLarge => "image too large",
        ImageErrorKind.Unreadable => "cannot read file",
        _ => kind.ToString(),
    };
}

/// <summary>A libvips call failed; carries libvips' own error text.</summary>
public sealed class VipsException(string message) : Exception(message);
