using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace EdgeModule;

/// <summary>
/// Console output in the IoT Edge format, <c>&lt;6&gt; 2026-11-21 13:30:56.183 +00:00 [INF] - message</c>: a syslog
/// severity prefix (0 fatal, 3 error, 4 warning, 6 info, 7 debug and verbose) so `iotedge logs` and journald-style
/// collectors read levels the way they do for edgeAgent and edgeHub. Serilog is used here and nowhere else.
/// </summary>
public static class ModuleLogging
{
    public const string Template = "<{SyslogSeverity}> {Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] - {Message:lj}{NewLine}{Exception}";

    /// <summary>The values RuntimeLogLevel accepts, as IoT Edge names them.</summary>
    public static IReadOnlyDictionary<string, LogEventLevel> Levels { get; } = new Dictionary<string, LogEventLevel>(StringComparer.OrdinalIgnoreCase)
    {
        ["fatal"] = LogEventLevel.Fatal,
        ["error"] = LogEventLevel.Error,
        ["warning"] = LogEventLevel.Warning,
        ["info"] = LogEventLevel.Information,
        ["debug"] = LogEventLevel.Debug,
        ["verbose"] = LogEventLevel.Verbose,
    };

    public static LogEventLevel ParseLevel(SettingsReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var raw = env.String("RuntimeLogLevel");
        if (raw is null)
        {
            return LogEventLevel.Information;
        }

        if (Levels.TryGetValue(raw, out var level))
        {
            return level;
        }

        env.Invalid("RuntimeLogLevel", raw, "use one of " + string.Join(", ", Levels.Keys));
        return LogEventLevel.Information;
    }

    public static Logger CreateLogger(LogEventLevel level) => new LoggerConfiguration()
        .MinimumLevel.Is(level)
        .MinimumLevel.Override("Microsoft", level > LogEventLevel.Information ? level : LogEventLevel.Information)
        // The host's own "Hosting failed to start" (with its stack trace) would repeat Program's one start-failure line.
        .Filter.ByExcluding(e => e.MessageTemplate.Text == "Hosting failed to start")
        .Enrich.With<SyslogSeverityEnricher>()
        .WriteTo.Console(outputTemplate: Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
        .CreateLogger();

    /// <summary>The line written when the module cannot start: same format, written before any logger exists.</summary>
    public static string StartupError(string message) => $"<3> {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff zzz} [ERR] - {message}";

    private sealed class SyslogSeverityEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            var severity = logEvent.Level switch
            {
                LogEventLevel.Fatal => 0,
                LogEventLevel.Error => 3,
                LogEventLevel.Warning => 4,
                LogEventLevel.Information => 6,
                _ => 7,
            };
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("SyslogSeverity", severity));
        }
    }
}
