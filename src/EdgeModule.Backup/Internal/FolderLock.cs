using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using EdgeModule.Backup.Files;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// The exclusive right to change the backup folder, for the length of a backup, restore, cleanup or speed probe.
/// Two levels, because they fail differently:
/// <list type="bullet">
/// <item>Within a process, operations on one folder (an online snapshot and the shutdown backup, two managers on the
/// same folder) take turns: the second waits for the first, bounded by its own deadline and cancellation.</item>
/// <item>Between processes (two module instances on one host mount), an advisory <c>flock</c> on <c>backup.lock</c>:
/// the second fails at once with <see cref="BackupFolderException"/> naming the holder's pid, which the holder writes
/// into the file. The kernel drops the lock when its holder dies, so a killed writer never leaves the folder locked.
/// The lock file stays.</item>
/// </list>
/// </summary>
internal sealed class FolderLock : IDisposable
{
    public const string FileName = "backup.lock";

    private const int PidFieldWidth = 20;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Waiters = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _turn;
    private readonly SafeFileHandle _file;
    private bool _disposed;

    private FolderLock(SemaphoreSlim turn, SafeFileHandle file)
    {
        _turn = turn;
        _file = file;
    }

    /// <summary>
    /// Waits for this process's other operations on <paramref name="folder"/> to finish (throwing
    /// <see cref="BackupDeadlineExceededException"/> when <paramref name="deadline"/> passes first, or
    /// <see cref="OperationCanceledException"/>), then takes the lock file; another process holding it throws
    /// <see cref="BackupFolderException"/> at once.
    /// </summary>
    public static FolderLock Acquire(string folder, TimeProvider time, DateTimeOffset? deadline = null, CancellationToken cancellationToken = default)
    {
        var turn = Turns.GetOrAdd(folder, static _ => new SemaphoreSlim(1, 1));
        if (!turn.Wait(0, CancellationToken.None))
        {
            Waiters.AddOrUpdate(folder, 1, static (_, n) => n + 1);
            try
            {
                WaitForTurn(turn, time, deadline, cancellationToken);
            }
            finally
            {
                Waiters.AddOrUpdate(folder, 0, static (_, n) => n - 1);
            }
        }

        try
        {
            return new FolderLock(turn, LockFile(folder));
        }
        catch
        {
            turn.Release();
            throw;
        }
    }

    /// <summary>Operations of this process waiting for their turn on <paramref name="folder"/> (for tests).</summary>
    internal static int Waiting(string folder) => Waiters.GetValueOrDefault(folder);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _file.Dispose();
            _turn.Release();
        }
    }

    private static void WaitForTurn(SemaphoreSlim turn, TimeProvider time, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (deadline is not { } d)
        {
            turn.Wait(cancellationToken);
            return;
        }

        var left = d - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            throw new BackupDeadlineExceededException(d, 0);
        }

        using var timeout = new CancellationTokenSource(left, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            turn.Wait(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackupDeadlineExceededException(d, 0);
        }
    }

    private static SafeFileHandle LockFile(string folder)
    {
        var path = Path.Combine(folder, FileName);
        SafeFileHandle file;
        try
        {
            file = SafeFile.OpenOrCreate(path);
        }
        catch (NotRegularFileException)
        {
            // A link or FIFO under the lock's name was planted: no module ever locks one, so removing the name (not
            // what it points to) takes no lock from anybody.
            File.Delete(path);
            file = SafeFile.OpenOrCreate(path);
        }

        try
        {
            if (!SafeFile.TryLockExclusive(file))
            {
                var holder = ReadHolder(path);
                throw new BackupFolderException(
                    folder,
                    $"The backup folder '{folder}' is in use by another process{(holder is null ? "" : $" (pid {holder})")}: " +
                    $"{path} is locked. Two module instances must not share a BackupFolder.");
            }

            // Fixed width, so a shorter pid overwrites a longer one completely without truncating the file.
            var pid = Encoding.ASCII.GetBytes(
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture).PadRight(PidFieldWidth) + "\n");
            RandomAccess.Write(file, pid, 0);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The pid the holder wrote, when it can be read (a holder of an older version writes none).</summary>
    private static string? ReadHolder(string path)
    {
        try
        {
            var text = SafeFile.ReadText(path, PidFieldWidth + 1).Trim();
            return text.Length > 0 && text.All(char.IsAsciiDigit) ? text : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
