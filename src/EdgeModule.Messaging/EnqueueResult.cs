namespace EdgeModule.Messaging;

/// <summary>What <see cref="MessageStore.Enqueue"/> stored: no endpoints means the input has no route (dropped, logged).</summary>
public readonly record struct EnqueueResult(long MessageNumber, IReadOnlyList<string> Endpoints, int RecordBytes)
{
    public bool IsRouted => Endpoints.Count > 0;
}
