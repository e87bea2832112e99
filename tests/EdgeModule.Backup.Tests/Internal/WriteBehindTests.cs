using System.Security.Cryptography;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests.Internal;

/// <summary>Write-behind only hints the kernel when to write: the file must come out the same, and a refusal is not an error.</summary>
public sealed class WriteBehindTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Written_FileLongerThanTheWindow_WaitsOnTheWayAndLeavesTheFileIntact()
    {
        var path = Path.Combine(_folder.Path, "data.bin");
        var piece = new byte[4 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
        {
            var writeBehind = new WriteBehind(handle);
            for (long offset = 0; offset < WriteBehind.Window + (12 << 20); offset += piece.Length)
            {
                Random.Shared.NextBytes(piece);
                hash.AppendData(piece);
                RandomAccess.Write(handle, piece, offset);
                writeBehind.Written(offset, piece.Length);
            }
        }

        Assert.Equal(hash.GetHashAndReset(), SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Written_FileThatRefusesIt_TurnsItselfOffQuietly()
    {
        using var handle = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var writeBehind = new WriteBehind(handle);

        writeBehind.Written(0, 4096);
        writeBehind.Written(WriteBehind.Window * 2, 4096);
    }
}
