using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>Where the SQLite index lives and how it is opened.</summary>
public sealed record SqliteIndexOptions
{
    /// <summary>The directory the CLI uses when no --index is given.</summary>
    public const string DefaultDirectory = "index-data";

    /// <summary>The database file inside <see cref="Directory"/> (with its -wal and -shm companions).</summary>
    public const string FileName = "index.db";

    /// <summary>The index directory; created when missing (unless <see cref="ReadOnly"/>).</summary>
    public string Directory { get; init; } = DefaultDirectory;

    /// <summary>Open for reading only (a search server); the index must exist and writes throw.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Discard whatever is in the index, whatever its schema version, and start empty.</summary>
    public bool Rebuild { get; init; }

    /// <summary>How long a connection waits for a lock held by another before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How much of the file readers map into memory (SQLite's mmap_size; 0 turns it off). A search
    /// reads thousands of scattered lines; mapped, they are read in place from the OS page cache
    /// instead of copied by a system call per page. SQLite caps it at its compile-time limit.
    /// </summary>
    public long ReaderMemoryMapBytes { get; init; } = 1L << 32;

    /// <summary>How many lattice alternatives go into the candidate text index per line.</summary>
    public LatticeAlternativesOptions Alternatives { get; init; } = LatticeAlternativesOptions.Default;

    public string DatabasePath => Path.Combine(Path.GetFullPath(Directory), FileName);

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add($"{nameof(Directory)} is empty; give the index directory (--index DIR).");
        }

        if (ReadOnly && Rebuild)
        {
            errors.Add($"{nameof(Rebuild)} needs a writable index; it cannot be combined with {nameof(ReadOnly)}.");
        }

        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{nameof(BusyTimeout)} must be between 0 and 1 hour (got {BusyTimeout}).");
        }

        if (ReaderMemoryMapBytes < 0)
        {
            errors.Add($"{nameof(ReaderMemoryMapBytes)} cannot be negative (got {ReaderMemoryMapBytes}); 0 turns memory mapping off.");
        }

        if (Alternatives is null)
        {
            errors.Add($"{nameof(Alternatives)} is required.");
        }
        else
        {
            try
            {
                Alternatives.Validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid index options: " + string.Join(" ", errors));
        }
    }
}
