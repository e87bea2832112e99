namespace EdgeModule.Backup.Files;

/// <summary>What a name in a folder is, seen without following a symbolic link (<see cref="SafeFile.GetKind"/>).</summary>
public enum FileKind
{
    /// <summary>Nothing has the name.</summary>
    Missing,

    /// <summary>A regular file: the only kind the module reads or writes.</summary>
    Regular,

    Directory,

    /// <summary>A symbolic link, whatever it points to (never followed).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening it to read would block until a writer appears.</summary>
    Fifo,

    /// <summary>A socket, a character or block device, or anything else.</summary>
    Other,
}
