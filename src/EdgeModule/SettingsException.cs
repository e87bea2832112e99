namespace EdgeModule;

/// <summary>
/// Settings (environment variables) the module cannot run with: each of <see cref="Errors"/> names a variable, its
/// value and what is allowed; the module prints one line per error and exits with code 2.
/// </summary>
public sealed class SettingsException : Exception
{
    public SettingsException()
        : this("Invalid settings.")
    {
    }

    public SettingsException(string message)
        : base(message) => Errors = [message];

    public SettingsException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public SettingsException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors ?? throw new ArgumentNullException(nameof(errors)))) => Errors = errors;

    public IReadOnlyList<string> Errors { get; }

    public static SettingsException Invalid(string variable, string value, string allowed) =>
        new($"Invalid setting {variable}='{value}': {allowed}.");
}
