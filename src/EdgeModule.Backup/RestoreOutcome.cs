namespace EdgeModule.Backup;

public enum RestoreOutcome
{
    /// <summary>A generation was restored into the store.</summary>
    Restored,

    /// <summary>No usable generation: the store stays empty. <see cref="RestoreResult.Problems"/> says why; log it loudly.</summary>
    StartingEmpty,
}
