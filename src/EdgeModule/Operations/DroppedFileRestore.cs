using System.Globalization;
using EdgeModule.Backup;
using EdgeModule.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// Restore from a file an operator dropped in <c>BackupFolder/restore/</c> (a generation copied back from blob storage,
/// say), tried at start before the usual restore. Only into an empty store: the in-memory store (always empty at start,
/// so the dropped file takes the place of the newest generation) or a RocksDB store that holds nothing yet. The file is
/// verified as it is applied; a damaged one leaves the store empty. Either way it is then moved aside, never deleted:
/// to <c>restore/restored/</c> once restored (so the next start does not restore it again), to <c>restore/refused/</c>
/// when the store was not empty or the file was not a sound backup; the module then starts as it would without it.
/// Exactly one file is taken: with several, all are refused.
/// </summary>
public sealed class DroppedFileRestore(BackupManager backup, TimeProvider time, ILogger<DroppedFileRestore> logger)
{
    public const string FolderName = "restore";

    public string Folder => Path.Combine(backup.Folder, FolderName);

    /// <summary>The restore's result, or null when no file was dropped or it was refused.</summary>
    public RestoreResult? TryRestore(IKeyValueStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!Directory.Exists(Folder))
        {
            return null;
        }

        var files = Directory.GetFiles(Folder).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            return null;
        }

        if (files.Length > 1)
        {
            foreach (var file in files)
            {
                Refuse(file, $"{files.Length} files were dropped; drop exactly one");
            }

            return null;
        }

        var path = files[0];
        RestoreResult result;
        try
        {
            result = backup.RestoreFile(path, store, cancellationToken);
        }
        catch (StoreNotEmptyException ex)
        {
            Refuse(path, $"the store is not empty ({ex.Message}); a dropped file is restored only into an empty store (memory mode, or a RocksDB store that does not exist yet)");
            return null;
        }
        catch (BackupException ex)
        {
            Refuse(path, ex.Message);
            return null;
        }

        var moved = MoveAside(path, "restored");
        OperationsLog.DroppedFileRestored(logger, path, result.Generation ?? 0, result.Records, result.FileBytes, (long)result.Elapsed.TotalMilliseconds, moved);

        // Not a generation of this folder: nothing to mark, and no journal may append to it (it writes a new one).
        return result with { Path = moved, Generation = null, AppendPoint = null };
    }

    private void Refuse(string path, string reason)
    {
        var moved = MoveAside(path, "refused");
        OperationsLog.DroppedFileRefused(logger, path, reason, moved);
    }

    private string MoveAside(string path, string folder)
    {
        var target = Path.Combine(Folder, folder);
        Directory.CreateDirectory(target);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var destination = Path.Combine(target, $"{Path.GetFileName(path)}.{stamp}");
        File.Move(path, destination, overwrite: false);
        return destination;
    }
}
