namespace EdgeModule.Backup.Internal;

/// <summary>
/// Places where a test can stop the writer or the restore path as if the process had died there
/// (<see cref="BackupOptions.FaultHook"/>). Each is reached just before the step it names.
/// </summary>
internal enum BackupFaultPoint
{
    /// <summary>The temp file is about to be created.</summary>
    CreateTemp,

    /// <summary>A buffer of frames is about to be written to the temp file (reached once per buffer).</summary>
    Write,

    /// <summary>The temp file is complete and about to be flushed to disk.</summary>
    FlushFile,

    /// <summary>The flushed temp file is about to be renamed to its generation name.</summary>
    Rename,

    /// <summary>The rename happened; the directory is about to be flushed so the rename is durable.</summary>
    FlushDirectory,

    /// <summary>The new generation is durable; an old generation is about to be deleted (reached once per deletion).</summary>
    DeleteOld,

    /// <summary>A corrupt generation is about to be moved to the quarantine folder.</summary>
    Quarantine,

    /// <summary>The reason file of a quarantined generation is about to be written.</summary>
    QuarantineReason,

    /// <summary>A batch of restored records is about to be written into the store (reached once per batch).</summary>
    RestoreBatch,

    /// <summary>The restore is complete; the generation is about to be marked as restored.</summary>
    MarkRestored,

    /// <summary>A journal found a torn tail; the copy set aside in quarantine is about to be written.</summary>
    CopyTornTail,

    /// <summary>The torn tail's copy is durable; the generation is about to be cut back to its sound prefix.</summary>
    TruncateTornTail,
}
