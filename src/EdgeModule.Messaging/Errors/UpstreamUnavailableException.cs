namespace EdgeModule.Messaging;

/// <summary>
/// Thrown by an <see cref="Forwarding.IMessageSender"/> when the upstream is not connected (it already waited a while
/// for the connection). The pump then tries again after <see cref="Forwarding.MessagePumpOptions.RetryMinDelay"/>
/// instead of its growing backoff: the sender's own wait paces the attempts, and forwarding resumes as soon as the
/// upstream is back, not up to <see cref="Forwarding.MessagePumpOptions.RetryMaxDelay"/> later.
/// </summary>
public class UpstreamUnavailableException : Exception
{
    public UpstreamUnavailableException()
    {
    }

    public UpstreamUnavailableException(string message)
        : base(message)
    {
    }

    public UpstreamUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
