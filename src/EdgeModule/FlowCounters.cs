namespace EdgeModule;

/// <summary>Counts for the periodic flow summary: messages received (stored), forwarded upstream, refused while full.</summary>
public sealed class FlowCounters
{
    private long _received;
    private long _forwarded;
    private long _refused;

    public long Received => Interlocked.Read(ref _received);

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Refused => Interlocked.Read(ref _refused);

    public void AddReceived() => Interlocked.Increment(ref _received);

    public void AddForwarded(int count) => Interlocked.Add(ref _forwarded, count);

    public void AddRefused() => Interlocked.Increment(ref _refused);
}
