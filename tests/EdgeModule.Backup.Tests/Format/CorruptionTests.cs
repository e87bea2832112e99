using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>Every single-bit flip and every truncation of a small backup must be detected, and never throw.</summary>
public sealed class CorruptionTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly byte[] _original;

    public CorruptionTests()
    {
        _original = File.ReadAllBytes(BackupFiles.WriteGolden(_folder.Sub("source")));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Verify_EverySingleBitFlip_IsDetected()
    {
        var path = Path.Combine(_folder.Path, "flipped.ebk");
        var undetected = new List<string>();
        for (var offset = 0; offset < _original.Length; offset++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])_original.Clone();
                copy[offset] ^= (byte)(1 << bit);
                File.WriteAllBytes(path, copy);
                var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
                if (result.Sound || result.Problem != BackupProblem.Corrupt)
                {
                    undetected.Add($"offset {offset} bit {bit}: {result.Problem}");
                }
                else
                {
                    Assert.InRange(result.FirstBadOffset!.Value, 0, offset);
                    Assert.True(result.SoundBytes <= offset);
                }
            }
        }

        Assert.Empty(undetected);
    }

    [Fact]
    public void Verify_EveryTruncation_IsDetectedWithSoundPrefix()
    {
        var path = Path.Combine(_folder.Path, "truncated.ebk");
        for (var length = 0; length < _original.Length; length++)
        {
            File.WriteAllBytes(path, _original[..length]);
            var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
            Assert.True(result.Problem == BackupProblem.Corrupt, $"truncated to {length} bytes: {result.Problem}");
            Assert.True(result.FirstBadOffset <= length);
            Assert.Equal(0, result.SoundBytes); // one segment: nothing is committed before its end
        }
    }

    [Fact]
    public void Verify_AppendedGarbage_Version1_IsDetected()
    {
        var v1 = File.ReadAllBytes(Path.Combine(BackupFiles.GoldenFolder(), "v1-small.ebk"));
        var path = Path.Combine(_folder.Path, "appended.ebk");
        File.WriteAllBytes(path, [.. v1, 0, 0, 0, 0, 0]);

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.Corrupt, result.Problem);
        Assert.Equal(v1.Length, result.FirstBadOffset);
        Assert.Equal(v1.Length, result.SoundBytes);
    }

    [Fact]
    public void Verify_AppendedGarbage_Version2_IsATornTailAfterTheSoundPrefix()
    {
        // Version 2 files are appended to: bytes after the last commit are what a crash mid-append leaves.
        var path = Path.Combine(_folder.Path, "appended.ebk");
        File.WriteAllBytes(path, [.. _original, 0, 0, 0, 0, 0]);

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.None, result.Problem);
        Assert.Equal(_original.Length, result.FirstBadOffset);
        Assert.Equal(_original.Length, result.SoundBytes);
        Assert.Equal(5, result.DroppedTailBytes);
    }

    [Fact]
    public void Verify_NewerFormatVersion_ReportsUnsupportedVersionNotCorrupt()
    {
        var newer = (ushort)(Backup.Format.BackupFormat.CurrentVersion + 1);
        var path = Path.Combine(_folder.Path, $"v{newer}.ebk");
        File.WriteAllBytes(path, WithVersion(_original, newer));

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.UnsupportedVersion, result.Problem);
        Assert.Contains($"version {newer}", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PartitionNameNoStoreAccepts_IsCorruptAtThatFrame()
    {
        // A frame that is intact (CRC fixed up) but names a partition "al/ha": it would fail half-way through a restore.
        var copy = (byte[])_original.Clone();
        var at = copy.AsSpan().IndexOf("alpha"u8);
        copy[at + 2] = (byte)'/';
        var frameStart = at - 7;
        var body = Backup.Format.BackupFormat.FrameHeaderSize + BitConverter.ToInt32(copy, frameStart);
        BitConverter.TryWriteBytes(copy.AsSpan(frameStart + body), Backup.Format.Crc32C.Compute(copy.AsSpan(frameStart, body)));
        var path = Path.Combine(_folder.Path, "bad-name.ebk");
        File.WriteAllBytes(path, copy);

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.Corrupt, result.Problem);
        Assert.Equal(frameStart, result.FirstBadOffset);
        Assert.Contains("not allowed", result.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Opt-in: EDGEMODULE_BACKUP_FUZZ=&lt;iterations&gt; runs random multi-byte mutations (flips, overwrites, inserts,
    /// deletes, splices) of a backup with a 1 MiB value and checks each is detected and never throws.
    /// </summary>
    [Fact]
    public void Verify_RandomMutations_AreDetected()
    {
        var setting = Environment.GetEnvironmentVariable("EDGEMODULE_BACKUP_FUZZ");
        Assert.SkipWhen(setting is null, "Opt-in fuzz run: set EDGEMODULE_BACKUP_FUZZ=<iterations> (e.g. 20000).");
        var iterations = int.Parse(setting!, System.Globalization.CultureInfo.InvariantCulture);
        var seed = Environment.GetEnvironmentVariable("EDGEMODULE_BACKUP_FUZZ_SEED") is { } s
            ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount;
        var random = new Random(seed);
        var sources = new[] { _original, BiggerBackup() };
        var path = Path.Combine(_folder.Path, "fuzz.ebk");
        for (var i = 0; i < iterations; i++)
        {
            var source = sources[random.Next(sources.Length)];
            var mutated = Mutate(source, random);
            if (mutated.AsSpan().SequenceEqual(source))
            {
                continue;
            }

            File.WriteAllBytes(path, mutated);
            var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
            Assert.True(!result.Sound, $"seed {seed}, iteration {i}: a mutated file verified as sound");
        }
    }

    internal static byte[] WithVersion(byte[] original, ushort version)
    {
        // Rewrite the version inside the header frame and fix that frame's CRC, as a newer writer would have.
        var copy = (byte[])original.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(Backup.Format.BackupFormat.VersionFileOffset), version);
        var length = BitConverter.ToInt32(copy, 0);
        var body = Backup.Format.BackupFormat.FrameHeaderSize + length;
        BitConverter.TryWriteBytes(copy.AsSpan(body), Backup.Format.Crc32C.Compute(copy.AsSpan(0, body)));
        return copy;
    }

    private byte[] BiggerBackup()
    {
        using var store = new EdgeModule.Storage.InMemory.InMemoryStore(new() { MaxValueBytes = 2 << 20 });
        StoreContent.FillAwkward(store);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Sub("bigger") });
        return File.ReadAllBytes(manager.Backup(store, cancellationToken: TestContext.Current.CancellationToken).Path);
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var data = new List<byte>(source);
        var count = random.Next(1, 5);
        for (var m = 0; m < count && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 64)));
                    break;
                default:
                    var from = random.Next(data.Count);
                    var n = Math.Min(random.Next(1, 64), Math.Min(data.Count - from, data.Count - at));
                    var piece = data.GetRange(from, n);
                    data.RemoveRange(at, n);
                    data.InsertRange(at, piece);
                    break;
            }
        }

        return [.. data];
    }
}
