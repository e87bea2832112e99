using EdgeModule.Messaging;
using EdgeModule.Messaging.Forwarding;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule;

/// <summary>
/// The pump's upstream: each message of a batch goes to output <c>endpoint</c> of the upstream client with QoS 1, all
/// published in order before any is awaited (libmosquitto keeps up to MaxInflightMessages in flight), and the batch
/// succeeds only when every PUBACK came back — the pump then writes the checkpoint. Any failure fails the batch and the
/// pump sends it again (at-least-once).
/// </summary>
public sealed class UpstreamSender(ModuleClient client, FlowCounters counters, TimeProvider time) : IMessageSender
{
    /// <summary>
    /// How long a send waits for a (re)connecting upstream before it fails with <see cref="UpstreamUnavailableException"/>;
    /// the pump then tries again after its shortest delay, so this wait paces the attempts during an outage.
    /// </summary>
    public static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(10);

    public async Task SendAsync(string endpoint, IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
        // The token is honoured once for the whole batch: passed to every send it would cost a registration and a
        // WaitAsync task per message. Cancelling abandons the batch either way (the pump sends it again after a restart).
        var sends = new Task[batch.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = client.SendEventAsync(endpoint, batch[i].Message.ToTransportMessage(), CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(sends).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TransportDisconnectedException ex)
        {
            // Dropped mid-batch: the next attempt waits for the reconnection instead of backing off.
            throw new UpstreamUnavailableException(ex.Message, ex);
        }

        counters.AddForwarded(sends.Length);
    }

    /// <summary>
    /// A send while the client reconnects would fail at once and put the pump into its backoff; waiting a little for
    /// the connection instead lets forwarding resume as soon as the upstream is back.
    /// </summary>
    private async Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        if (client.Status == ConnectionStatus.Connected)
        {
            return;
        }

        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, ConnectionStatusChangedEventArgs e)
        {
            if (e.Status == ConnectionStatus.Connected)
            {
                connected.TrySetResult();
            }
        }

        client.ConnectionStatusChanged += OnChanged;
        try
        {
            if (client.Status == ConnectionStatus.Connected)
            {
                return;
            }

            await connected.Task.WaitAsync(ConnectWait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new UpstreamUnavailableException($"The upstream {client.Options.Host}:{client.Options.Port} is not connected ({client.Status}).", ex);
        }
        finally
        {
            client.ConnectionStatusChanged -= OnChanged;
        }
    }
}
