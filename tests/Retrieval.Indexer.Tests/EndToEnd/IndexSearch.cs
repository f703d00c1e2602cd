using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>Reads an index in-process (read-only, like a search server beside a running indexer) to check what it holds.</summary>
internal static class IndexSearch
{
    /// <summary>Paths of the images the query finds with a score of at least <paramref name="minScore"/>, best first.</summary>
    public static async Task<List<string>> PathsAsync(string index, string query, double minScore = 0.5)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        return await PathsAsync(Searcher.Create(store), query, minScore);
    }

    public static async Task<List<string>> PathsAsync(Searcher searcher, string query, double minScore = 0.5)
    {
        var response = await searcher.SearchAsync(query, SearchOptions.Default with { Top = 50 }, CancellationToken.None);
        return response.Hits.Where(h => h.Score >= minScore).Select(h => h.Image.Key.Path).ToList();
    }

    /// <summary>Every image record under <paramref name="root"/>, as stored.</summary>
    public static async Task<List<StoredImage>> ImagesAsync(string index, string root)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var images = new List<StoredImage>();
        await foreach (var image in store.ListImagesUnderAsync(root))
        {
            images.Add(image);
        }

        return images;
    }

    /// <summary>Images in the index, or null while it does not exist yet or is still being created.</summary>
    public static async Task<long?> TryCountImagesAsync(string index)
    {
        try
        {
            await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
            return (await store.GetCountsAsync()).Images;
        }
        catch (IndexStoreException)
        {
            return null;
        }
    }

    /// <summary>SQLite's own consistency check of the database file ("ok" when sound).</summary>
    public static string IntegrityCheck(string index)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(index, SqliteIndexOptions.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
