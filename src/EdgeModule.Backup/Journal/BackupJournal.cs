using EdgeModule.Backup.Internal;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Journal;

/// <summary>
/// Continuous checkpoints of an in-memory store: its net changes appended to the newest backup generation as deltas,
/// every <see cref="BackupJournalOptions.CheckpointInterval"/> and whenever a durable acknowledgement waits.
/// </summary>
/// <remarks>
/// The order of a journal's life, for the host:
/// <list type="number">
/// <item>Restore the store (<see cref="BackupManager.Restore"/>), then <see cref="Start"/> with the restore's append
/// point, before anything else writes to the store: change capture starts there, the store's sequence continues the
/// file's, and a torn tail is set aside. With no appendable generation (none, or version 1) a full one is written first.</item>
/// <item><see cref="RunAsync"/> in a hosted service: a flush per interval (nothing changed: no write, no fsync), a flush
/// at once when <see cref="WhenDurableAsync"/> callers wait (group commit), compactions when due.</item>
/// <item>At shutdown, after the writers stopped: cancel <see cref="RunAsync"/>, then <see cref="FlushFinal"/>, whose cost
/// is the last interval's changes, not the store.</item>
/// </list>
/// Every flush drains the tracker and appends one delta with one write and one fdatasync. If an append fails, the
/// drained changes are not on disk and the next deltas could not be applied to the file: the journal then writes a new
/// full generation instead (the next flush does), and until it succeeds nothing counts as durable.
/// </remarks>
public sealed partial class BackupJournal : IDisposable
{
    private readonly BackupManager _manager;
    private readonly InMemoryStore _store;
    private readonly InMemoryChangeTracker _tracker;
    private readonly BackupJournalOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<BackupFaultPoint>? _faultHook;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _state = new();
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    private TaskCompletionSource _wake = NewSignal();
    private JournalFile? _file;
    private bool _needsFullGeneration;
    private long _durableSequence;
    private long _inFlightBytes;
    private DateTimeOffset? _inFlightOldest;
    private long _journalBytes;
    private long _fullBytes;
    private long _flushes;
    private long _fullGenerations;
    private TimeSpan _lastFlush;
    private TimeSpan _totalFlush;
    private string? _lastError;
    private bool _disposed;

    private BackupJournal(BackupManager manager, InMemoryStore store, InMemoryChangeTracker tracker, BackupJournalOptions options, TimeProvider time, Action<BackupFaultPoint>? faultHook)
    {
        _manager = manager;
        _store = store;
        _tracker = tracker;
        _options = options;
        _time = time;
        _faultHook = faultHook;
    }

    /// <summary>Where the torn tail of the generation continued at start was copied, when it had one.</summary>
    public string? TornTailCopy { get; private set; }

    /// <summary>The result of the full generation written at start, when one was (no appendable generation).</summary>
    public BackupResult? InitialGeneration { get; private set; }

    /// <summary>
    /// Starts the journal on <paramref name="store"/>, which must hold exactly what <paramref name="continueFrom"/>'s
    /// file holds up to its sound prefix (just restored from it; <see cref="RestoreResult.AppendPoint"/>), or, with
    /// <paramref name="continueFrom"/> null, whatever it holds now (a fresh store): then a full generation is written
    /// first. Change tracking must not be enabled on the store yet.
    /// </summary>
    public static BackupJournal Start(
        BackupManager manager,
        InMemoryStore store,
        BackupAppendPoint? continueFrom,
        BackupJournalOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new BackupJournalOptions();
        options.Validate();
        if (store.ChangeTracker is not null)
        {
            throw new InvalidOperationException("The store already tracks changes: a journal must start from the state its backup holds.");
        }

        var time = timeProvider ?? TimeProvider.System;
        if (continueFrom is not null)
        {
            // Changes from here on are numbered after the restored ones, so the next delta continues the file's chain.
            store.AdvanceSequenceTo(continueFrom.LastSequence);
        }

        var tracker = store.EnableChangeTracking(time);
        var journal = new BackupJournal(manager, store, tracker, options, time, manager.FaultHook);
        try
        {
            if (continueFrom is { CanAppend: true })
            {
                journal._file = JournalFile.Open(continueFrom, manager.QuarantineFolder, time, manager.FaultHook, out var tailCopy);
                journal.TornTailCopy = tailCopy;
                journal._durableSequence = continueFrom.LastSequence;
            }
            else
            {
                journal.InitialGeneration = journal.WriteFullGeneration(deadline: null, cancellationToken);
            }
        }
        catch
        {
            journal.Dispose();
            throw;
        }

        return journal;
    }

    /// <summary>The generation file the journal appends to.</summary>
    public string? CurrentPath => Volatile.Read(ref _file)?.Path;

    /// <summary>
    /// Completes once everything committed to the store before this call is on disk. A flush starts as soon as such
    /// waiters exist (in <see cref="RunAsync"/>), taking whatever arrived meanwhile: one fdatasync for the whole group.
    /// </summary>
    public Task WhenDurableAsync(CancellationToken cancellationToken = default)
    {
        var target = _store.Sequence;
        TaskCompletionSource done;
        lock (_state)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_durableSequence >= target)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            _wake.TrySetResult();
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Appends the net changes since the last flush as one delta and makes it durable; with nothing changed, writes
    /// nothing. After a failed append it writes a full generation instead. Returns the delta's bytes (0: nothing written).
    /// </summary>
    public long Flush(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _needsFullGeneration))
        {
            var result = WriteFullGeneration(deadline: null, cancellationToken);
            return result.FileBytes;
        }

        _gate.Wait(cancellationToken);
        try
        {
            return FlushLocked();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><see cref="Flush"/> on a pool thread.</summary>
    public Task<long> FlushAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => Flush(cancellationToken), cancellationToken);

    public BackupJournalStatistics GetStatistics()
    {
        var now = _time.GetUtcNow();
        var pendingBytes = _tracker.PendingBytes;
        var pendingOldest = _tracker.OldestPendingChange;
        var file = Volatile.Read(ref _file);
        var live = _store.LiveDataBytes;
        var recordBytes = file?.RecordBytes ?? 0;
        lock (_state)
        {
            var oldest = Min(_inFlightOldest, pendingOldest);
            var dead = Math.Max(0, recordBytes - live);
            return new BackupJournalStatistics
            {
                UnprotectedBytes = pendingBytes + _inFlightBytes,
                OldestUnprotectedChange = oldest,
                UnprotectedAge = oldest is { } o && now > o ? now - o : TimeSpan.Zero,
                DurableSequence = _durableSequence,
                JournalBytesWritten = _journalBytes,
                FullGenerationBytesWritten = _fullBytes,
                Flushes = _flushes,
                LastFlushDuration = _lastFlush,
                TotalFlushDuration = _totalFlush,
                FullGenerations = _fullGenerations,
                Generation = file?.Generation ?? 0,
                Deltas = file?.LastIndex ?? 0,
                GenerationBytes = file?.EndOffset ?? 0,
                LiveBytes = live,
                DeadBytes = dead,
                CompactionDue = IsCompactionDue(dead, live, file?.LastIndex ?? 0),
                LastError = _lastError,
            };
        }
    }

    public void Dispose()
    {
        lock (_state)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _compactionStop.Cancel();
        WaitForCompaction();
        _gate.Wait();
        try
        {
            _file?.Dispose();
            _file = null;
        }
        finally
        {
            _gate.Release();
        }

        _compactionStop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>Drains and appends; the caller holds <see cref="_gate"/>.</summary>
    private long FlushLocked()
    {
        var file = _file ?? throw new ObjectDisposedException(nameof(BackupJournal));
        var started = _time.GetTimestamp();
        var changes = _tracker.Drain();
        if (changes.IsEmpty)
        {
            // Nothing to write: everything committed up to the drain is as durable as the last delta already made it.
            MarkDurable(changes.Sequence);
            return 0;
        }

        lock (_state)
        {
            _inFlightBytes = changes.Bytes;
            _inFlightOldest = changes.OldestChange;
        }

        long bytes;
        try
        {
            bytes = file.Append(changes, _time.GetUtcNow(), _manager.WriteBufferBytes, _time);
        }
        catch (Exception ex) when (ex is not FaultInjectedException)
        {
            // The drained changes are not on disk, and a later delta would not apply to the file without them.
            Volatile.Write(ref _needsFullGeneration, true);
            lock (_state)
            {
                _lastError = ex.Message;
            }

            throw;
        }

        var elapsed = _time.GetElapsedTime(started);
        lock (_state)
        {
            _inFlightBytes = 0;
            _inFlightOldest = null;
            _journalBytes += bytes;
            _flushes++;
            _lastFlush = elapsed;
            _totalFlush += elapsed;
            _lastError = null;
        }

        MarkDurable(changes.Sequence);
        return bytes;
    }

    private void MarkDurable(long sequence)
    {
        List<TaskCompletionSource>? done = null;
        lock (_state)
        {
            if (Volatile.Read(ref _needsFullGeneration))
            {
                return;
            }

            _durableSequence = Math.Max(_durableSequence, sequence);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Sequence <= _durableSequence)
                {
                    (done ??= []).Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        done?.ForEach(d => d.TrySetResult());
    }

    private bool IsCompactionDue(long dead, long live, int deltas) =>
        deltas >= _options.MaxDeltas || (dead > live && dead >= _options.MinDeadBytesToCompact);
}
