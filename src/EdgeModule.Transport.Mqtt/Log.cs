using Microsoft.Extensions.Logging;

namespace EdgeModule.Transport.Mqtt;

/// <summary>Transport log events; ids 4000-4099 are fixed so alerts can key on them.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "MQTT client {ClientId} connected to {Host}:{Port} ({Mode})")]
    public static partial void Connected(ILogger logger, string clientId, string host, int port, TransportMode mode);

    [LoggerMessage(4001, LogLevel.Warning, "MQTT client {ClientId} is disconnected ({Reason}); reconnecting with backoff")]
    public static partial void Disconnected(ILogger logger, string clientId, ConnectionStatusChangeReason reason, Exception? exception);

    [LoggerMessage(4002, LogLevel.Debug, "MQTT client {ClientId} connect attempt {Attempt} failed; next in {Delay}")]
    public static partial void ConnectAttemptFailed(ILogger logger, string clientId, int attempt, TimeSpan delay, Exception? exception);

    [LoggerMessage(4003, LogLevel.Information, "MQTT client {ClientId} closed")]
    public static partial void Closed(ILogger logger, string clientId);

    [LoggerMessage(4004, LogLevel.Information, "MQTT client {ClientId} renews its SAS token (expires {ExpiresOn:o})")]
    public static partial void RenewingToken(ILogger logger, string clientId, DateTimeOffset expiresOn);

    [LoggerMessage(4010, LogLevel.Warning, "Dropped a message on topic {Topic}: {Reason}")]
    public static partial void MalformedMessage(ILogger logger, string topic, string reason);

    [LoggerMessage(4011, LogLevel.Warning, "Dropped a {Size}-byte message on input {Input}: above the {Limit}-byte limit")]
    public static partial void InboundTooLarge(ILogger logger, string input, int size, int limit);

    [LoggerMessage(4012, LogLevel.Warning, "MQTT client {ClientId} has no handler for input {Input}; the message is not acknowledged: the connection is aborted and the broker keeps it (reopened in {Delay})")]
    public static partial void NoInputHandler(ILogger logger, string clientId, string input, TimeSpan delay);

    [LoggerMessage(4013, LogLevel.Error, "The handler for input {Input} failed; the message is acknowledged anyway")]
    public static partial void InputHandlerFailed(ILogger logger, string input, Exception exception);

    [LoggerMessage(4014, LogLevel.Error, "The handler for input {Input} did not finish within {Timeout}; the message is not acknowledged: the connection is aborted and reopened in {Delay}")]
    public static partial void InputHandlerTimedOut(ILogger logger, string input, TimeSpan timeout, TimeSpan delay);

    [LoggerMessage(4015, LogLevel.Debug, "The handler for input {Input} rejected a message ({Reason}); the connection is aborted unacknowledged and reopened in {Delay}")]
    public static partial void InputRejected(ILogger logger, string input, string reason, TimeSpan delay);

    [LoggerMessage(4016, LogLevel.Error, "The task of the handler for input {Input} failed; the message is not acknowledged: the connection is aborted and reopened in {Delay}")]
    public static partial void InputTaskFailed(ILogger logger, string input, TimeSpan delay, Exception exception);

    [LoggerMessage(4020, LogLevel.Warning, "Direct method {Method} answered {Status}: {Reason}")]
    public static partial void MethodRejected(ILogger logger, string method, int status, string reason);

    [LoggerMessage(4021, LogLevel.Error, "Direct method {Method} handler failed")]
    public static partial void MethodFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(4022, LogLevel.Warning, "Could not send the response of direct method {Method}")]
    public static partial void MethodResponseFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(4030, LogLevel.Error, "The desired-properties callback failed")]
    public static partial void DesiredCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(4040, LogLevel.Error, "A libmosquitto callback of client {ClientId} failed; the exception was contained")]
    public static partial void CallbackFailed(ILogger logger, string clientId, Exception exception);
}
