namespace Retrieval.Search.Store;

// Persisted as integers in every index: the values are frozen by StoreFormatTests. Add new members
// with new values; never renumber.

/// <summary>Where an indexed image came from.</summary>
public enum ImageSourceKind
{
    /// <summary>An image file; its key is the file path.</summary>
    File = 0,

    /// <summary>A frame taken from a video; its key is the video path and the frame time.</summary>
    VideoFrame = 1,
}

/// <summary>How far indexing of an image got.</summary>
public enum ImageStatus
{
    /// <summary>Fully indexed: every detected line is stored.</summary>
    Ok = 0,

    /// <summary>Could not be indexed (corrupt, unreadable, too large); the error says why. Retried on the next run.</summary>
    Failed = 1,

    /// <summary>Partly indexed (for example a step timed out); what was stored is searchable. Retried on the next run.</summary>
    Incomplete = 2,
}

/// <summary>What an embedding describes.</summary>
public enum EmbeddingOwnerKind
{
    /// <summary>The whole image.</summary>
    Image = 0,

    /// <summary>One stored text line (its quad is the region).</summary>
    Line = 1,

    /// <summary>A region of the image given by its own quad.</summary>
    Region = 2,
}

/// <summary>How an embedding vector is stored.</summary>
public enum EmbeddingPrecision
{
    /// <summary>IEEE single precision, 4 bytes a component.</summary>
    Float32 = 0,

    /// <summary>IEEE half precision, 2 bytes a component.</summary>
    Float16 = 1,

    /// <summary>
    /// Signed bytes with one scale: a little-endian float32 s, then one sbyte q per component, the component being
    /// q·s (s = max |component| / 127). 1 byte a component plus 4; about 1/250 of a unit vector's range in error.
    /// </summary>
    Int8 = 2,
}
