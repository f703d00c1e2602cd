using Retrieval.Indexer.Server;

namespace Retrieval.Indexer.Tests.Server;

public sealed class RealPathTests : IDisposable
{
    private readonly TestFolder folder = new();

    [Fact]
    public void Links_anywhere_along_a_path_are_followed_to_where_the_file_really_is()
    {
        var real = Directory.CreateDirectory(folder.Combine("real", "deep")).FullName;
        File.WriteAllText(Path.Combine(real, "file.txt"), "x");
        Directory.CreateSymbolicLink(folder.Combine("hop"), folder.Combine("real"));
        Directory.CreateSymbolicLink(folder.Combine("relative"), "hop/deep");
        File.CreateSymbolicLink(folder.Combine("file-link.txt"), "relative/file.txt");

        RealPath.Resolve(folder.Combine("hop", "deep", "file.txt")).Should().Be(Path.Combine(real, "file.txt"));
        RealPath.Resolve(folder.Combine("file-link.txt")).Should().Be(Path.Combine(real, "file.txt"));
        RealPath.Resolve(folder.Combine("relative", "..", "deep", "file.txt")).Should().Be(Path.Combine(real, "file.txt"), "'..' after a link climbs from the link's target");
    }

    [Fact]
    public void A_missing_file_a_broken_link_and_a_link_loop_resolve_to_nothing()
    {
        File.CreateSymbolicLink(folder.Combine("broken"), folder.Combine("nowhere"));
        File.CreateSymbolicLink(folder.Combine("a"), folder.Combine("b"));
        File.CreateSymbolicLink(folder.Combine("b"), folder.Combine("a"));

        RealPath.Resolve(folder.Combine("missing.txt")).Should().BeNull();
        RealPath.Resolve(folder.Combine("broken")).Should().BeNull();
        RealPath.Resolve(folder.Combine("a")).Should().BeNull();
    }

    [Theory]
    [InlineData("/photos/a.jpg", "/photos", true)]
    [InlineData("/photos", "/photos", true)]
    [InlineData("/photos/sub/a.jpg", "/photos/", true)]
    [InlineData("/photos2/a.jpg", "/photos", false)]
    [InlineData("/other/a.jpg", "/photos", false)]
    public void Within_compares_whole_folder_names(string path, string folderPath, bool within)
    {
        RealPath.IsWithin(path, folderPath).Should().Be(within);
    }

    public void Dispose() => folder.Dispose();
}
