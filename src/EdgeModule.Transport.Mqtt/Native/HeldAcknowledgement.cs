namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// The PUBACK of one received message, held in libmosquitto's queue (see MosquittoConnection.Acknowledgements):
/// <see cref="Release"/> once the message is safe, or <see cref="Abort"/> to end its connection unacknowledged.
/// Either may be called from any thread; both are no-ops once that connection has ended.
/// </summary>
internal readonly struct HeldAcknowledgement(MosquittoConnection connection, int generation)
{
    public int Generation => generation;

    /// <summary>Whether the connection this PUBACK belongs to is still the current one.</summary>
    public bool IsCurrent => connection.Generation == generation && connection.IsUp;

    public void Release() => connection.Release(generation);

    public void Abort() => connection.RequestAbort(generation);
}
