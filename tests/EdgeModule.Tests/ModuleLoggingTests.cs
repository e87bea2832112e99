using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace EdgeModule.Tests;

public sealed class ModuleLoggingTests
{
    private static SettingsReader Env(string? level) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(level is null ? [] : [new KeyValuePair<string, string?>("RuntimeLogLevel", level)]).Build());

    [Theory]
    [InlineData(null, LogEventLevel.Information)]
    [InlineData("fatal", LogEventLevel.Fatal)]
    [InlineData("Error", LogEventLevel.Error)]
    [InlineData("warning", LogEventLevel.Warning)]
    [InlineData("info", LogEventLevel.Information)]
    [InlineData("DEBUG", LogEventLevel.Debug)]
    [InlineData("verbose", LogEventLevel.Verbose)]
    public void ParseLevel_IotEdgeNames_MapToSerilogLevels(string? value, LogEventLevel expected) =>
        Assert.Equal(expected, ModuleLogging.ParseLevel(Env(value)));

    [Theory]
    [InlineData("information")]
    [InlineData("trace")]
    [InlineData("6")]
    public void ParseLevel_UnknownName_NamesVariableAndAllowedValues(string value)
    {
        var env = Env(value);
        ModuleLogging.ParseLevel(env);
        var e = Assert.Throws<SettingsException>(env.ThrowIfInvalid);
        Assert.Contains($"RuntimeLogLevel='{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("fatal, error, warning, info, debug, verbose", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupError_HasSyslogErrorPrefixAndIotEdgeTimestamp() =>
        Assert.Matches(@"^<3> \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[ERR\] - boom$", ModuleLogging.StartupError("boom"));
}
