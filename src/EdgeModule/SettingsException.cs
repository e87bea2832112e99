namespace EdgeModule;

/// <summary>A setting (environment variable) has a value the module cannot run with; the message names both.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static SettingsException Invalid(string variable, string value, string allowed) =>
        new($"Invalid setting {variable}='{value}': {allowed}.");
}
