using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using EdgeModule.Backup;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// What ListSnapshots says of each generation beyond its size: the verdict of a full read (<see cref="BackupVerifier"/>:
/// sound or damaged, records, deltas, last sequence and time), computed in the background one file at a time and kept
/// while the file is unchanged (same length and modification time). A listing never reads a file itself, so it stays
/// fast however large the backups; a generation not read yet is listed as <c>unverified</c> and queued.
/// </summary>
public sealed class SnapshotCatalog : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _queued = new(StringComparer.Ordinal);
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger<SnapshotCatalog> _logger;
    private readonly Task _worker;

    public SnapshotCatalog(ILogger<SnapshotCatalog> logger)
    {
        _logger = logger;
        _worker = Task.Run(VerifyQueuedAsync);
    }

    /// <summary>The verdict on <paramref name="path"/> as it is now, or null (then its verification is queued).</summary>
    public BackupVerification? Find(string path)
    {
        var (length, modified) = Stamp(path);
        if (_entries.TryGetValue(path, out var entry) && entry.Length == length && entry.Modified == modified)
        {
            return entry.Verification;
        }

        if (_queued.TryAdd(path, true))
        {
            _queue.Writer.TryWrite(path);
        }

        return null;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled mid-file.
        }

        _stop.Dispose();
    }

    private async Task VerifyQueuedAsync()
    {
        try
        {
            await foreach (var path in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                _queued.TryRemove(path, out _);
                var (length, modified) = Stamp(path);
                if (length < 0)
                {
                    _entries.TryRemove(path, out _);
                    continue;
                }

                var watch = Stopwatch.StartNew();
                var verification = BackupVerifier.Verify(path, _stop.Token);
                _entries[path] = new Entry(length, modified, verification);
                OperationsLog.SnapshotVerified(_logger, Path.GetFileName(path), Describe(verification), verification.Records,
                    verification.Deltas, watch.ElapsedMilliseconds);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>The listing's <c>state</c> of a verified file.</summary>
    public static string Describe(BackupVerification verification) => verification.Problem switch
    {
        BackupProblem.None when verification.DamagedBeforeTail => "damaged-deltas",
        BackupProblem.None when verification.DroppedTailBytes > 0 => "sound-torn-tail",
        BackupProblem.None => "sound",
        BackupProblem.UnsupportedVersion => "newer-version",
        BackupProblem.Unreadable => "unreadable",
        _ => "damaged",
    };

    private static (long Length, DateTime Modified) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    private sealed record Entry(long Length, DateTime Modified, BackupVerification Verification);
}
