namespace EdgeModule.Backup.Tests.Support;

public enum Backend
{
    Memory,
    RocksDb,
}
