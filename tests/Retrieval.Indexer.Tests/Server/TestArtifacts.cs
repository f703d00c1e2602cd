namespace Retrieval.Indexer.Tests.Server;

/// <summary>Where tests leave files for people to look at (screenshots): RETRIEVAL_TEST_ARTIFACTS, else artifacts/test-results in the repository.</summary>
internal static class TestArtifacts
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Retrieval.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Retrieval.sln not found above the test assembly.");
        }
    }

    public static string Folder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("RETRIEVAL_TEST_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(RepositoryRoot, "artifacts", "test-results");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }
}
