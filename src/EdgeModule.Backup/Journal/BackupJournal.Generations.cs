using EdgeModule.Backup.Internal;

namespace EdgeModule.Backup.Journal;

/// <summary>
/// Full generations: at start (nothing to append to), after a failed append, and as compaction. The protocol keeps
/// one generation up to date at every instant:
/// <list type="number">
/// <item>Under the store's write lock, a snapshot at sequence S and a second accumulator of the changes since S
/// (<see cref="Storage.InMemory.InMemoryChangeTracker.SnapshotAndCapture"/>).</item>
/// <item>The base is written to a temp file and flushed, while flushes go on appending to the old generation.</item>
/// <item>Under the journal's flush lock: at one point D, the main accumulator (since the last flush) and the capture
/// (since S) are drained; the first goes to the old generation as its last delta, the second to the temp file as
/// its first; fdatasync.</item>
/// <item>Rename into place, flush the folder, switch the journal to the new generation; release the lock. Only then
/// are generations beyond the kept count deleted.</item>
/// </list>
/// A crash before the rename leaves the old generation complete up to D (or to its last flush); after it, the new one.
/// </summary>
public sealed partial class BackupJournal
{
    private readonly CancellationTokenSource _compactionStop = new();
    private Task? _compaction;

    /// <summary>True while a compaction runs in the background.</summary>
    public bool IsCompacting => _compaction is { IsCompleted: false };

    /// <summary>Writes a new full generation now and continues on it (what a due compaction does in the background).</summary>
    public BackupResult WriteFullGeneration(DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var snapshot = _tracker.SnapshotAndCapture();
        var held = false;
        var drained = false;
        var mainWritten = true;
        try
        {
            var result = _manager.WriteJournalGeneration(
                _store,
                snapshot,
                tail =>
                {
                    _gate.Wait(CancellationToken.None);
                    held = true;
                    var (main, since) = _tracker.DrainWithCapture();
                    drained = true;
                    mainWritten = main.IsEmpty;
                    var old = _file;
                    if (!main.IsEmpty && old is not null && !Volatile.Read(ref _needsFullGeneration))
                    {
                        var bytes = old.Append(main, _time.GetUtcNow(), _manager.WriteBufferBytes, _time);
                        mainWritten = true;
                        lock (_state)
                        {
                            _journalBytes += bytes;
                        }
                    }

                    using var temp = JournalFile.Over(tail, _manager.Folder, _faultHook);
                    if (!since.IsEmpty)
                    {
                        temp.Append(since, _time.GetUtcNow(), _manager.WriteBufferBytes, _time);
                    }

                    return temp.Tail;
                },
                (path, tail) =>
                {
                    var next = JournalFile.OpenAt(path, tail, _faultHook);
                    var old = Interlocked.Exchange(ref _file, next);
                    old?.Dispose();
                    Volatile.Write(ref _needsFullGeneration, false);
                    MarkDurable(tail.LastSequence);
                },
                deadline,
                cancellationToken);
            lock (_state)
            {
                _fullBytes += result.FileBytes;
                _fullGenerations++;
                _lastError = null;
            }

            _options.GenerationWritten?.Invoke(result);
            return result;
        }
        catch (Exception ex) when (ex is not FaultInjectedException)
        {
            _tracker.CancelCapture();
            if (drained && !mainWritten)
            {
                // The changes since the last flush were drained but reached neither file.
                Volatile.Write(ref _needsFullGeneration, true);
            }

            lock (_state)
            {
                _lastError = ex.Message;
            }

            throw;
        }
        finally
        {
            if (held)
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Starts a compaction in the background when one is due and none runs; returns whether it started.</summary>
    public bool CompactIfDue()
    {
        if (IsCompacting || !GetStatistics().CompactionDue)
        {
            return false;
        }

        var stop = _compactionStop.Token;
        _compaction = Task.Run(
            () =>
            {
                try
                {
                    WriteFullGeneration(deadline: null, stop);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    _options.Failed?.Invoke(ex);
                }
                catch (OperationCanceledException)
                {
                    // Shutdown: the old generation stays the newest, up to date.
                }
            },
            CancellationToken.None);
        return true;
    }

    private void WaitForCompaction()
    {
        try
        {
            _compaction?.Wait();
        }
        catch (AggregateException)
        {
            // Reported through BackupJournalOptions.Failed.
        }
    }
}
