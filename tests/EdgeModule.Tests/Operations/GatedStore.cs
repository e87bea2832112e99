using System.Diagnostics.CodeAnalysis;
using EdgeModule.Storage;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// A real store whose snapshot waits for the test: a backup of it holds the backup folder (its lock is taken before
/// the snapshot) until <see cref="Release"/>, so another backup of the folder is deterministically still running.
/// </summary>
internal sealed class GatedStore(IKeyValueStore inner) : IKeyValueStore
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a backup is inside the snapshot (holding the folder).</summary>
    public Task Entered => _entered.Task;

    public string BackendName => inner.BackendName;

    public string Identity => inner.Identity;

    public void Release() => _release.TrySetResult();

    public IStoreSnapshot CreateSnapshot()
    {
        _entered.TrySetResult();
        _release.Task.Wait(TimeSpan.FromMinutes(1));
        return inner.CreateSnapshot();
    }

    public IWriteBatch CreateWriteBatch() => inner.CreateWriteBatch();

    public void Dispose() => inner.Dispose();

    public void DropPartition(string name) => inner.DropPartition(name);

    public IPartition GetOrCreatePartition(string name) => inner.GetOrCreatePartition(name);

    public IPartition GetPartition(string name) => inner.GetPartition(name);

    public IReadOnlyList<string> ListPartitions() => inner.ListPartitions();

    public bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition) => inner.TryGetPartition(name, out partition);

    public void Write(IWriteBatch batch) => inner.Write(batch);
}
