namespace EdgeModule.Storage.RocksDb.Tests;

/// <summary>A fresh folder under the temp path, deleted (with everything in it) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("edgemodule-rocksdb-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside the folder that does not exist yet: the database folder of a test.</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A store leaked by a failing test may still hold files; the temp folder is cleaned by the OS eventually.
        }
    }
}
