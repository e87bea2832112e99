namespace EdgeModule.Backup.Journal;

/// <summary>
/// How far a point-in-time restore goes: the base, then each delta written at or before <see cref="Time"/> and with a
/// sequence at or below <see cref="Sequence"/> (either or both); it stops before the first delta past the point.
/// </summary>
public sealed record RestorePoint(DateTimeOffset? Time = null, long? Sequence = null)
{
    public bool Includes(DateTimeOffset segmentTime, long segmentSequence) =>
        (Time is not { } t || segmentTime <= t) && (Sequence is not { } s || segmentSequence <= s);
}
