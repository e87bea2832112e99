namespace EdgeModule.Backup.Internal;

/// <summary>
/// An exclusive lock on the backup folder for the length of a backup or restore, so two processes pointed at the
/// same folder (two module instances on one host mount) cannot interleave generations. .NET implements
/// <see cref="FileShare.None"/> on Unix with an advisory flock, which the kernel releases when the process dies,
/// so a killed writer never leaves the folder locked. The lock file itself stays.
/// </summary>
internal sealed class FolderLock : IDisposable
{
    public const string FileName = "backup.lock";

    private readonly FileStream _file;

    private FolderLock(FileStream file) => _file = file;

    public static FolderLock Acquire(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            return new FolderLock(BackupManager.CreatePrivateFile(path, FileMode.OpenOrCreate));
        }
        catch (IOException ex)
        {
            throw new BackupFolderException(
                folder, $"The backup folder '{folder}' is in use by another process ({path} is locked): {ex.Message}", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
