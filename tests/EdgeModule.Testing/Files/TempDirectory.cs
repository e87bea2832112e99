namespace EdgeModule.Testing;

/// <summary>A fresh folder under the temp path (mode 0700), deleted with everything in it on dispose.</summary>
public class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "edgemodule-test")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside the folder that does not exist yet (the database folder of a test, say).</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A folder inside this one, created.</summary>
    public string Sub(string name) => Directory.CreateDirectory(Combine(name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The test removed it itself.
        }
        catch (IOException)
        {
            // A store leaked by a failing test may still hold files; the temp folder is cleaned by the OS eventually.
        }
    }
}
