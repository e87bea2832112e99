using System.Diagnostics;
using System.Text;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// The module's own operations never fail on its own lock: two operations of one process on one folder (an online
/// snapshot and the shutdown backup) take turns, the second bounded by its deadline and cancellation. Another process
/// holding the folder still makes an operation fail at once, naming that process.
/// </summary>
public sealed class FolderLockTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A manager whose backup stops at the temp file's creation, holding the folder, until released.</summary>
    private (BackupManager Manager, ManualResetEventSlim Holding, ManualResetEventSlim Release) Holder()
    {
        var holding = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var manager = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            FaultHook = point =>
            {
                if (point == BackupFaultPoint.CreateTemp)
                {
                    holding.Set();
                    release.Wait(Bound);
                }
            },
        });
        return (manager, holding, release);
    }

    private static InMemoryStore Store(byte value)
    {
        var store = new InMemoryStore();
        store.GetOrCreatePartition("p").Put([1], [value]);
        return store;
    }

    private string FullFolder => Path.GetFullPath(_folder.Path);

    /// <summary>Waits (bounded) until an operation of this process waits for its turn on the folder, or <paramref name="task"/> ended.</summary>
    private void WaitUntilWaiting(Task task) =>
        Assert.True(SpinWait.SpinUntil(() => FolderLock.Waiting(FullFolder) > 0 || task.IsCompleted, Bound), "nothing waited for the folder");

    [Fact]
    public async Task Backup_WhileAnotherBackupOfThisProcessHoldsTheFolder_WaitsItsTurnAndSucceeds()
    {
        var (holder, holding, release) = Holder();
        using var first = Store(1);
        using var second = Store(2);
        var firstTask = Task.Run(() => holder.Backup(first, cancellationToken: Ct), Ct);
        Assert.True(holding.Wait(Bound, Ct));

        var secondTask = Task.Run(() => new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(second, cancellationToken: Ct), Ct);
        WaitUntilWaiting(secondTask);
        Assert.False(secondTask.IsCompleted, secondTask.Exception?.ToString());
        release.Set();

        var results = await Task.WhenAll(firstTask, secondTask).WaitAsync(Bound, Ct);
        Assert.Equal([1, 2], results.Select(r => r.Generation));
        using var target = new InMemoryStore();
        new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, Ct);
        Assert.Equal([2], target.GetPartition("p").Get([1]));
    }

    [Fact]
    public async Task Backup_WaitingForItsTurn_GivesUpAtItsDeadlineOrCancellation()
    {
        var (holder, holding, release) = Holder();
        using var first = Store(1);
        using var second = Store(2);
        var firstTask = Task.Run(() => holder.Backup(first, cancellationToken: Ct), Ct);
        Assert.True(holding.Wait(Bound, Ct));
        var waiting = new BackupManager(new BackupOptions { Folder = _folder.Path });

        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(200);
        var late = await Task.Run(() => Assert.Throws<BackupDeadlineExceededException>(() => waiting.Backup(second, deadline, Ct)), Ct).WaitAsync(Bound, Ct);
        Assert.Equal(deadline, late.Deadline);

        using var cancel = new CancellationTokenSource();
        var cancelled = Task.Run(() => waiting.Backup(second, cancellationToken: cancel.Token), Ct);
        WaitUntilWaiting(cancelled);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound, Ct));

        release.Set();
        Assert.Equal(1, (await firstTask.WaitAsync(Bound, Ct)).Generation);
        Assert.Equal(0, FolderLock.Waiting(FullFolder));
        Assert.Equal([1], waiting.ListGenerations().Select(g => g.Number));
    }

    [Fact]
    public async Task Backup_WhileAnotherProcessHoldsTheFolder_FailsAtOnceNamingItsPid()
    {
        using var child = StartChild();
        Assert.Equal("HOLDING", await ReadLineAsync(child));
        using var store = Store(1);

        var ex = await Task.Run(
            () => Assert.Throws<BackupFolderException>(() => new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct)),
            Ct).WaitAsync(Bound, Ct);

        Assert.Contains("in use by another process", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"(pid {child.Id})", ex.Message, StringComparison.Ordinal);
        Assert.Equal(_folder.Path, ex.Path);

        // The other process finishes its backup normally; then the folder is free again.
        await child.StandardInput.WriteLineAsync();
        await child.WaitForExitAsync(Ct).WaitAsync(Bound, Ct);
        Assert.Equal(0, child.ExitCode);
        Assert.Equal(2, new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct).Generation);
    }

    [Fact]
    public async Task Backup_LockOfThisProcessLingersInAForkedChild_WaitsForItInsteadOfFailing()
    {
        // What a child forked by Process.Start does between fork and exec: it keeps a copy of the lock's descriptor, so
        // the lock of an operation that just ended here is still held, with this process's pid in the file.
        var path = Path.Combine(_folder.Path, "backup.lock");
        var lingering = SafeFile.OpenOrCreate(path);
        Assert.True(SafeFile.TryLockExclusive(lingering));
        RandomAccess.Write(lingering, Encoding.ASCII.GetBytes($"{Environment.ProcessId,-20}\n"), 0);
        using var exec = new CancellationTokenSource();
        exec.Token.Register(lingering.Dispose);
        exec.CancelAfter(TimeSpan.FromMilliseconds(200));
        using var store = Store(1);

        var result = await Task.Run(() => new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct), Ct)
            .WaitAsync(Bound, Ct);

        Assert.True(exec.IsCancellationRequested);
        Assert.Equal(1, result.Generation);
    }

    [Fact]
    public void Backup_LockHeldByThisProcessElsewhere_FailsAtItsDeadlineSayingSo()
    {
        var path = Path.Combine(_folder.Path, "backup.lock");
        using var held = SafeFile.OpenOrCreate(path);
        Assert.True(SafeFile.TryLockExclusive(held));
        RandomAccess.Write(held, Encoding.ASCII.GetBytes($"{Environment.ProcessId,-20}\n"), 0);
        using var store = Store(1);

        var ex = Assert.Throws<BackupFolderException>(
            () => new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, DateTimeOffset.UtcNow.AddMilliseconds(100), Ct));

        Assert.Contains("locked by this process", ex.Message, StringComparison.Ordinal);
    }

    private Process StartChild() => TestChildProcess.Start(LockChild.FolderVariable, _folder.Path, redirectInput: true);

    private static async Task<string> ReadLineAsync(Process child) =>
        await child.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(Bound, Ct)
        ?? throw new InvalidOperationException($"the child exited early: {await child.StandardError.ReadToEndAsync(Ct)}");
}
