using EdgeModule.Messaging;
using EdgeModule.Storage;
using EdgeModule.Transport.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// The inputs, started last and stopped first. Each message is stored before the handler returns, and the transport
/// sends the PUBACK only after the handler returned (docs/transport.md, "Delivery contract"), so a message is
/// acknowledged once the store has it. A message the store refuses (full, or a write error) is rejected: the transport
/// aborts the connection before the PUBACK leaves and the broker redelivers it later. A message too large to store is
/// dropped (acknowledged): redelivery cannot fix it.
/// </summary>
public sealed class TransportService(
    ModuleOptions options,
    MessageStore store,
    ModuleClients clients,
    FlowCounters counters,
    ILogger<TransportService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _opening = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await clients.Inputs.SetMessageHandlerAsync(OnInputAsync, cancellationToken).ConfigureAwait(false);

        // Accepting only once the broker confirmed the subscription (its SUBACK), on every connection: before that a
        // message published to an input may not reach the module (a plain broker keeps none for a session it has not
        // seen subscribe yet).
        clients.Inputs.InputsSubscribed += OnInputsSubscribed;

        // Connect in the background: edgeHub (or the broker) may come up after the module; the client retries.
        _opening = OpenAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Phase 1 of shutdown: stop accepting. A clean DISCONNECT; the persistent session keeps whatever the
        // producers send meanwhile in the broker until the next start. (If the broker was never reached, this also
        // ends the wait for the first connection.)
        await _stopping.CancelAsync().ConfigureAwait(false);
        await clients.Inputs.CloseAsync(cancellationToken).ConfigureAwait(false);
        await _opening.ConfigureAwait(false);
        Log.InputsClosed(logger);
    }

    private async Task OpenAsync()
    {
        try
        {
            await clients.Inputs.OpenAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped before the broker was reached.
        }
        catch (Exception ex) when (ex is MqttTransportException or IOException or ObjectDisposedException)
        {
            Log.InputsStartFailed(logger, ex);
        }
    }

    public void Dispose()
    {
        clients.Inputs.InputsSubscribed -= OnInputsSubscribed;
        _stopping.Dispose();
    }

    private void OnInputsSubscribed(object? sender, EventArgs e) =>
        Log.Accepting(logger, string.Join(',', options.Messaging.Routes.Inputs), options.Messaging.Routes.ToString());

    private Task OnInputAsync(Message message, CancellationToken cancellationToken)
    {
        var input = message.InputName ?? string.Empty;
        try
        {
            store.Enqueue(input, message.ToEdgeMessage());
            counters.AddReceived();
        }
        catch (StorageException ex)
        {
            // Store full (the message store's limit or the in-memory backend's) or a failed write: not stored, so
            // not acknowledged. The message store logs the full/not-full state changes once each.
            counters.AddRefused();
            throw new MessageRejectedException(ex.Message, ex);
        }
        catch (Messaging.MessageTooLargeException ex)
        {
            Log.InputTooLarge(logger, input, ex.Message);
        }

        return Task.CompletedTask;
    }
}
