namespace EdgeModule;

/// <summary>The module cannot start, for the reason in the message (one line, exit code 1).</summary>
public sealed class ModuleStartException : Exception
{
    public ModuleStartException()
    {
    }

    public ModuleStartException(string message)
        : base(message)
    {
    }

    public ModuleStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
