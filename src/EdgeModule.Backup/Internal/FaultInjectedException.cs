namespace EdgeModule.Backup.Internal;

/// <summary>
/// Thrown by a test's fault hook to simulate the process dying at a fault point. The writer does not clean up after
/// it (a dead process cannot), so the files are left exactly as a crash would leave them.
/// </summary>
internal sealed class FaultInjectedException : Exception
{
    public FaultInjectedException()
    {
    }

    public FaultInjectedException(string message)
        : base(message)
    {
    }

    public FaultInjectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
