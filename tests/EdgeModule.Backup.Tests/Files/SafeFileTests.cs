using System.Runtime.Versioning;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests.Files;

/// <summary>The file helpers the library and the host share: no link followed, no FIFO blocked on, 0600 and 0700.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SafeFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TempFolder _outside = new("victims");

    public void Dispose()
    {
        _folder.Dispose();
        _outside.Dispose();
    }

    private string In(string name) => Path.Combine(_folder.Path, name);

    [Fact]
    public void CreateNew_OverLinkOrFifoOrFile_FailsAndLeavesThem()
    {
        var victim = Planted.LinkToVictim(In("link"), _outside.Path);
        File.CreateSymbolicLink(In("dangling"), Path.Combine(_outside.Path, "not-yet"));
        Planted.Fifo(In("fifo"));
        File.WriteAllText(In("file"), "x");

        Assert.ThrowsAny<IOException>(() => SafeFile.CreateNew(In("link")).Dispose());
        Assert.ThrowsAny<IOException>(() => SafeFile.CreateNew(In("dangling")).Dispose());
        Assert.ThrowsAny<IOException>(() => SafeFile.CreateNew(In("fifo")).Dispose());
        Assert.ThrowsAny<IOException>(() => SafeFile.CreateNew(In("file")).Dispose());

        Planted.AssertVictimUntouched(victim);
        Assert.False(File.Exists(Path.Combine(_outside.Path, "not-yet")));
        Assert.Equal("x", File.ReadAllText(In("file")));
    }

    [Fact]
    public void CreateNewAndCreateUnique_MakePrivateFiles()
    {
        using (SafeFile.CreateNew(In("new")))
        {
        }

        using (SafeFile.CreateUnique(_folder.Path, "probe-", ".tmp", out var unique))
        {
            Assert.Matches(@"probe-[0-9a-f]{16}\.tmp$", unique);
            Assert.Equal(SafeFile.PrivateFileMode, File.GetUnixFileMode(unique));
        }

        Assert.Equal(SafeFile.PrivateFileMode, File.GetUnixFileMode(In("new")));
    }

    [Fact]
    public void OpenReadAndOpenOrCreate_NonRegularFiles_ThrowNamingWhatWasFound()
    {
        var victim = Planted.LinkToVictim(In("link"), _outside.Path);
        Planted.Fifo(In("fifo"));
        Directory.CreateDirectory(In("folder"));

        Assert.Equal(FileKind.SymbolicLink, Assert.Throws<NotRegularFileException>(() => SafeFile.OpenRead(In("link"))).Kind);
        Assert.Equal(FileKind.SymbolicLink, Assert.Throws<NotRegularFileException>(() => SafeFile.OpenOrCreate(In("link"), append: true)).Kind);
        Assert.Equal(FileKind.Fifo, Assert.Throws<NotRegularFileException>(() => SafeFile.OpenRead(In("fifo"))).Kind);
        Assert.Equal(FileKind.Fifo, Assert.Throws<NotRegularFileException>(() => SafeFile.OpenOrCreate(In("fifo"))).Kind);
        Assert.Equal(FileKind.Directory, Assert.Throws<NotRegularFileException>(() => SafeFile.OpenRead(In("folder"))).Kind);
        Assert.Throws<FileNotFoundException>(() => SafeFile.OpenRead(In("missing")));
        Planted.AssertVictimUntouched(victim);
    }

    [Fact]
    public void GetKind_SeesTheNameNotWhatItPointsTo()
    {
        Planted.LinkToVictim(In("link"), _outside.Path);
        Planted.Fifo(In("fifo"));
        File.WriteAllText(In("file"), "x");

        Assert.Equal(FileKind.SymbolicLink, SafeFile.GetKind(In("link")));
        Assert.Equal(FileKind.Fifo, SafeFile.GetKind(In("fifo")));
        Assert.Equal(FileKind.Regular, SafeFile.GetKind(In("file")));
        Assert.Equal(FileKind.Directory, SafeFile.GetKind(_folder.Path));
        Assert.Equal(FileKind.Missing, SafeFile.GetKind(In("missing")));
        Assert.Equal(FileKind.Missing, SafeFile.GetKind(Path.Combine(In("file"), "below-a-file")));
    }

    [Fact]
    public void CreatePrivateFolder_Creates0700AndRefusesAFileOrDanglingLink()
    {
        var path = Path.Combine(_folder.Path, "a", "b");

        Assert.True(SafeFile.CreatePrivateFolder(path));
        Assert.False(SafeFile.CreatePrivateFolder(path));

        Assert.Equal(SafeFile.PrivateFolderMode, File.GetUnixFileMode(path));
        File.WriteAllText(In("file"), "x");
        Assert.Throws<NotRegularFileException>(() => SafeFile.CreatePrivateFolder(In("file")));
        File.CreateSymbolicLink(In("dangling"), Path.Combine(_outside.Path, "nowhere"));
        Assert.Throws<NotRegularFileException>(() => SafeFile.CreatePrivateFolder(In("dangling")));
        Assert.False(Directory.Exists(Path.Combine(_outside.Path, "nowhere")));
    }

    [Fact]
    public void WriteNewDurablyAndReadText_RoundTrip()
    {
        SafeFile.WriteNewDurably(In("marker"), "hello\n"u8);

        Assert.Equal("hello\n", SafeFile.ReadText(In("marker")));
        Assert.Equal("he", SafeFile.ReadText(In("marker"), maxBytes: 2));
        Assert.ThrowsAny<IOException>(() => SafeFile.WriteNewDurably(In("marker"), "again"u8));
    }

    [Fact]
    public void TryLockExclusive_SecondOpenOfTheSameFile_IsRefusedUntilTheFirstCloses()
    {
        using var first = SafeFile.OpenOrCreate(In("lock"));
        Assert.True(SafeFile.TryLockExclusive(first));
        using (var second = SafeFile.OpenOrCreate(In("lock")))
        {
            Assert.False(SafeFile.TryLockExclusive(second));
        }

        first.Dispose();
        using var third = SafeFile.OpenOrCreate(In("lock"));
        Assert.True(SafeFile.TryLockExclusive(third));
    }
}
