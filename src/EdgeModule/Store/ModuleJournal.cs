using EdgeModule.Backup.Journal;

namespace EdgeModule.Store;

/// <summary>
/// The journal of the in-memory mode (continuous checkpoints), when it runs: started by <see cref="StartupRestore"/>
/// right after the restore, run by <see cref="JournalService"/>, flushed last by <see cref="BackupService"/> at stop.
/// </summary>
public sealed class ModuleJournal : IDisposable
{
    /// <summary>Null when the journal is off (RocksDB, no backup, or CheckpointIntervalMs=0).</summary>
    public BackupJournal? Journal { get; internal set; }

    /// <summary>
    /// The acknowledgement of an input already stored: at once, or (AcknowledgeAfterCheckpoint) once the delta holding
    /// it is on disk.
    /// </summary>
    public Task WhenDurableAsync(CancellationToken cancellationToken) =>
        Journal is { } journal ? journal.WhenDurableAsync(cancellationToken) : Task.CompletedTask;

    public void Dispose() => Journal?.Dispose();
}
