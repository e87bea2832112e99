namespace EdgeModule.Files;

/// <summary>A folder the module needs is locked by another live process (exit code 2), or cannot be used at all.</summary>
public sealed class ModuleFolderException : Exception
{
    public ModuleFolderException()
    {
    }

    public ModuleFolderException(string message)
        : base(message)
    {
    }

    public ModuleFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
