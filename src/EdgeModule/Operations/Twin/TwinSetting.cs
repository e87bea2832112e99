namespace EdgeModule.Operations.Twin;

/// <summary>
/// One setting the twin may change while the module runs: named like its environment variable, with the variable's
/// range, the value the environment gave (what a removed desired property goes back to), and how to apply a value.
/// </summary>
/// <param name="Name">The desired property's name: the environment variable's.</param>
/// <param name="Min">Smallest value allowed (as for the variable).</param>
/// <param name="Max">Largest value allowed.</param>
/// <param name="EnvironmentValue">The value at start: the variable's, or its default.</param>
/// <param name="Apply">Applies a value within range; returns why it cannot be applied now, or null when it was.</param>
public sealed record TwinSetting(string Name, long Min, long Max, long EnvironmentValue, Func<long, string?> Apply)
{
    /// <summary>What the variable's error says is allowed.</summary>
    public string Allowed => $"use a whole number from {Min} to {Max}";
}
