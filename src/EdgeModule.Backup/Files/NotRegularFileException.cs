namespace EdgeModule.Backup.Files;

/// <summary>
/// A name the module opens is a symbolic link, a FIFO, a folder or a device instead of a regular file. It is not
/// followed, not opened for data and not changed: <see cref="Path"/> and <see cref="Kind"/> say what was found.
/// </summary>
public class NotRegularFileException : IOException
{
    public NotRegularFileException()
    {
    }

    public NotRegularFileException(string message)
        : base(message)
    {
    }

    public NotRegularFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NotRegularFileException(string path, FileKind kind)
        : base($"'{path}' is {Describe(kind)}, not a regular file; it was not opened (left as it is).")
    {
        Path = path;
        Kind = kind;
    }

    public string? Path { get; }

    public FileKind Kind { get; }

    internal static string Describe(FileKind kind) => kind switch
    {
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Directory => "a folder",
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        _ => "a socket or device",
    };
}
