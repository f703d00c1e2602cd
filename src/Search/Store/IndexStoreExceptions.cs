namespace Retrieval.Search.Store;

/// <summary>
/// The index as a whole cannot be used ("stop", as opposed to a per-image failure). Every message
/// says what to do about it. Subtypes name the cause.
/// </summary>
public class IndexStoreException : Exception
{
    public const string RebuildCommand = "retrieval index --rebuild";

    public IndexStoreException(string location, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Location = location;
    }

    /// <summary>The index directory (or file), or for PostgreSQL the database as <c>postgresql://user@host:port/db</c> (never with a password).</summary>
    public string Location { get; }
}

/// <summary>The index directory or file cannot be created, opened or written (permissions, read-only file system, not a directory).</summary>
public sealed class IndexAccessException(string location, string message, Exception? innerException = null)
    : IndexStoreException(location, message, innerException);

/// <summary>
/// The index server cannot be reached right now (refused or timed-out connection, a server that is
/// restarting or shutting down). Unlike the other errors this one may pass: workers retry it.
/// </summary>
public sealed class IndexUnavailableException(string location, string message, Exception? innerException = null)
    : IndexStoreException(location, message, innerException);

/// <summary>An index was opened read-only where none exists.</summary>
public sealed class IndexNotFoundException(string location, string message)
    : IndexStoreException(location, message);

/// <summary>The file is not an index this build understands: an unreadable file, another schema version or lattice format.</summary>
public sealed class IndexVersionMismatchException(string location, string message, int? foundVersion, int expectedVersion, Exception? innerException = null)
    : IndexStoreException(location, message, innerException)
{
    /// <summary>The version the file has; null when it is not an index at all.</summary>
    public int? FoundVersion { get; } = foundVersion;

    public int ExpectedVersion { get; } = expectedVersion;
}

/// <summary>The index was built with other models or text folding than the ones the caller indexes with.</summary>
public sealed class IndexMismatchException(string location, string message, IReadOnlyList<string> differences)
    : IndexStoreException(location, message)
{
    /// <summary>One sentence per difference, e.g. "model 'rec' was 1a2b.., now 3c4d..".</summary>
    public IReadOnlyList<string> Differences { get; } = differences;
}
