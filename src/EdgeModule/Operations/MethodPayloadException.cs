namespace EdgeModule.Operations;

/// <summary>A direct method's payload is not what the method takes: answered with 400 and this message.</summary>
public sealed class MethodPayloadException : Exception
{
    public MethodPayloadException()
    {
    }

    public MethodPayloadException(string message)
        : base(message)
    {
    }

    public MethodPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
