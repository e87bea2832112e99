namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Input messages handed to the handlers (<see cref="Dispatched"/>) and those whose outcome is settled: acknowledged,
/// refused or failed (<see cref="Settled"/>). <see cref="Pending"/> are still held by a handler.
/// </summary>
public readonly record struct InputProgress(long Dispatched, long Settled)
{
    public long Pending => Dispatched - Settled;
}
