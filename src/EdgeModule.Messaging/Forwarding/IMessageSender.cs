namespace EdgeModule.Messaging.Forwarding;

/// <summary>
/// The upstream as the pump sees it; the host adapts its transport (IoT Edge hub outputs, its own IoT Hub or broker
/// connection) to it.
/// </summary>
/// <remarks>
/// Contract: <see cref="SendAsync"/> completes successfully only when the upstream acknowledged every message of the
/// batch (for MQTT QoS 1: every PUBACK). Any exception means "not all acknowledged": the pump sends the same batch
/// again, so the upstream may see a message twice (at-least-once), never a gap or a reordering. Send the messages in
/// list order. Honour the token: the pump cancels it when the host stops.
/// </remarks>
public interface IMessageSender
{
    Task SendAsync(string endpoint, IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken);
}
