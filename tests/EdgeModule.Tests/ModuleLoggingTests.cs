using System.Collections;
using Serilog.Events;

namespace EdgeModule.Tests;

public sealed class ModuleLoggingTests
{
    private static EnvironmentReader Env(string? level) => new(level is null ? new Hashtable() : new Hashtable { ["RuntimeLogLevel"] = level });

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
        var e = Assert.Throws<SettingsException>(() => ModuleLogging.ParseLevel(Env(value)));
        Assert.Contains($"RuntimeLogLevel='{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("fatal, error, warning, info, debug, verbose", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupError_HasSyslogErrorPrefixAndIotEdgeTimestamp() =>
        Assert.Matches(@"^<3> \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[ERR\] - boom$", ModuleLogging.StartupError("boom"));
}
