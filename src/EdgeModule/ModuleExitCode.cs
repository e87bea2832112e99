namespace EdgeModule;

/// <summary>The process exit code: 0 unless a stage failed in a way the operator must see (say, the backup).</summary>
public sealed class ModuleExitCode
{
    public const int BackupFailed = 3;
    public const int StartFailed = 1;

    private int _value;

    public int Value => Volatile.Read(ref _value);

    /// <summary>Records a failure; the first one wins.</summary>
    public void Fail(int code) => Interlocked.CompareExchange(ref _value, code, 0);
}
