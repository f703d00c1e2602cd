namespace Retrieval.Models.Tests.Imaging;

/// <summary>A fresh folder under the system temp folder, deleted (permissions restored first) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("retrieval-imaging-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Created 0700; opened to others so permission tests see the mode of the file they test, not of this folder.
            System.IO.File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories))
        {
            if (OperatingSystem.IsLinux() && new FileInfo(entry).LinkTarget is null)
            {
                System.IO.File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Directory.Delete(Path, recursive: true);
    }
}
