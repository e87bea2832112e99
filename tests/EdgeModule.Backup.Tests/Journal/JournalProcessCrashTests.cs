using System.Diagnostics;
using System.Globalization;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>
/// The journal in a child process under a steady load of puts and removals, killed with SIGKILL at random moments
/// (mid-append, mid-compaction, anywhere) and restarted on the same folder. Nothing whose durability was reported is
/// ever lost, and nothing whose removal was reported comes back; no generation is ever quarantined. The child's
/// compactions are frequent (every 40 deltas or 16 KiB of dead bytes), so kills land in them too.
/// </summary>
public sealed class JournalProcessCrashTests : IDisposable
{
    private readonly TempFolder _folder = new("journal-sigkill");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Journal_ChildKilledAtRandomMoments_KeepsEveryDurableChange()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var present = new HashSet<long>();
        var gone = new HashSet<long>();
        const int Rounds = 20;
        for (var round = 0; round < Rounds; round++)
        {
            using var child = StartChild();
            var restored = (await ReadLineAsync(child)).Split(' ');
            Assert.True(restored[0] == "RESTORED", $"seed {seed} round {round}: {string.Join(' ', restored)}");
            if (round > 0)
            {
                Assert.True(restored[1] == nameof(RestoreOutcome.Restored), $"seed {seed} round {round}: {string.Join(' ', restored)}");
                Assert.Equal("0", restored[2]);
            }

            // Let it report a random number of durable groups, then kill it wherever it is.
            for (var groups = random.Next(1, 60); groups > 0;)
            {
                if (Apply(await ReadLineAsync(child), present, gone))
                {
                    groups--;
                }
            }

            child.Kill();
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            while (await child.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
            {
                Apply(line, present, gone);
            }
        }

        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, TestContext.Current.CancellationToken);
        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Empty(result.Quarantined);
        Assert.True(result.Generation > Rounds / 2, $"seed {seed}: generation {result.Generation}: too few compactions to have been killed in");
        // The child removes the oldest keys first, so an absent key below the oldest present one may have been removed
        // durably just before a kill, before it could say so. Above it, every acknowledged key must be there, the keys
        // must form one run (a hole would be a lost key), and no key whose removal was reported may be back.
        var keys = target.GetPartition(JournalCrashChild.Partition).Iterate().Select(kv => JournalCrashChild.KeyNumber(kv.Key)).Order().ToList();
        Assert.NotEmpty(keys);
        var oldest = keys[0];
        Assert.True(keys[^1] - oldest + 1 == keys.Count, $"seed {seed}: the keys {oldest}..{keys[^1]} have holes ({keys.Count} keys)");
        var lost = present.Where(k => k >= oldest && !gone.Contains(k) && !keys.Contains(k)).Order().Take(10).ToList();
        var back = gone.Where(k => keys.BinarySearch(k) >= 0).Take(10).ToList();
        Assert.True(lost.Count == 0, $"seed {seed}: durable keys lost, e.g. {string.Join(", ", lost)}");
        Assert.True(back.Count == 0, $"seed {seed}: durably removed keys came back, e.g. {string.Join(", ", back)}");
        Assert.True(keys[^1] >= present.Max(), $"seed {seed}: the newest acknowledged key {present.Max()} is lost (newest restored {keys[^1]})");
        Assert.True(present.Count > Rounds * 20, $"seed {seed}: only {present.Count} keys acknowledged");
    }

    /// <summary>Records an ACK or GONE line; true for an ACK (a durable group).</summary>
    private static bool Apply(string line, HashSet<long> present, HashSet<long> gone)
    {
        var parts = line.Split(' ');
        if (parts[0] is not ("ACK" or "GONE"))
        {
            return false;
        }

        var from = long.Parse(parts[1], CultureInfo.InvariantCulture);
        var to = long.Parse(parts[2], CultureInfo.InvariantCulture);
        for (var k = from; k <= to; k++)
        {
            (parts[0] == "ACK" ? present : gone).Add(k);
        }

        return parts[0] == "ACK";
    }

    private Process StartChild() => TestChildProcess.Start(JournalCrashChild.FolderVariable, _folder.Path);

    private static async Task<string> ReadLineAsync(Process child)
    {
        var line = await child.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException($"the child exited early: {await child.StandardError.ReadToEndAsync()}");
        return line.StartsWith("ERROR", StringComparison.Ordinal) ? throw new InvalidOperationException(line) : line;
    }
}
