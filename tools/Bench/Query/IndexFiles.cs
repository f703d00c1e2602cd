namespace Retrieval.Bench.Query;

/// <summary>File-level facts about a SQLite index: its size on disk with the WAL, and copying it whole.</summary>
internal static class IndexFiles
{
    private static readonly string[] Suffixes = [string.Empty, "-wal", "-shm"];

    /// <summary>Bytes of the database and its write-ahead log (the -shm index is not data).</summary>
    public static long Bytes(string databasePath) =>
        Length(databasePath) + Length(databasePath + "-wal");

    /// <summary>Copies the database with its companions into <paramref name="directory"/> (the store must be closed).</summary>
    public static void CopyTo(string databasePath, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var suffix in Suffixes)
        {
            var source = databasePath + suffix;
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(directory, Path.GetFileName(databasePath) + suffix), overwrite: true);
            }
        }
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
