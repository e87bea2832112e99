using System.Runtime.InteropServices;
using EdgeModule;
using EdgeModule.Files;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;

// The composition root (docs/module.md). Phases:
// 0. Stop requests (SIGTERM, Ctrl-C) are caught from the first instruction on: a stop at any moment of the start ends
//    the process with exit code 0 and a log line, leaving every backup as it was.
// 1. Bind and validate every setting (exit 2, one line per bad variable); files the module creates are 0600 (umask).
// 2. Take the folders: created 0700, leased for the life of the process (one module per folder), proven writable (exit 2).
// 3. The host resolves its services: open the store → restore into it → open the message store (StartupRestore);
//    then the hosted services start in registration order: backup planning → cleanup → pump → inputs (accepting last)
//    → (optional) simulated sensor. A start that cannot proceed exits 1 with one error line.
// 4. Stop, in reverse order, within ShutdownWaitPeriod: sensor → inputs stop accepting → the pump finishes its batch and
//    commits → cleanup → the backup gets what time remains → the store closes. Exit 0, or 3 when the backup failed.
if (args is ["verify", .. var backups])
{
    return BackupInspector.Run(backups, Console.Out);
}

if (args is ["restore", .. var restoreArgs])
{
    return PointInTimeTool.Run(restoreArgs, Console.Out);
}

using var stopRequested = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);
EdgeModule.Files.PosixFiles.SetUmask(0x3F); // 077: RocksDB's files and every file of ours are 0600, folders 0700

var builder = Host.CreateApplicationBuilder(args);
ModuleOptions options;
try
{
    options = ModuleOptions.Bind(builder.Configuration);
}
catch (SettingsException e)
{
    foreach (var error in e.Errors)
    {
        await Console.Error.WriteLineAsync(ModuleLogging.StartupError(error));
    }

    return 2;
}

using var serilog = ModuleLogging.CreateLogger(options.LogLevel);
using var loggerFactory = new SerilogLoggerFactory(serilog);
var log = loggerFactory.CreateLogger("EdgeModule");
using var folders = new ModuleFolders(options);
try
{
    folders.Acquire();
}
catch (ModuleFolderException e)
{
    EdgeModule.Log.FolderUnusable(log, e.Message);
    return 2;
}

builder.Logging.ClearProviders();
builder.Services.AddSerilog(serilog, dispose: false);
builder.Services.AddEdgeModule(options, TimeProvider.System);

using var host = builder.Build();
var exitCode = host.Services.GetRequiredService<ModuleExitCode>();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

// Created now so that it sees ApplicationStopping, the moment shutdown begins, from which the deadline counts.
_ = host.Services.GetRequiredService<ShutdownDeadline>();
using var forward = stopRequested.Token.Register(lifetime.StopApplication);
try
{
    await host.RunAsync();
}
catch (Exception e) when (lifetime.ApplicationStopping.IsCancellationRequested && IsCancellation(e))
{
    EdgeModule.Log.StoppedDuringStart(log);
    return 0;
}
#pragma warning disable CA1031 // The last stop: whatever failed the start is logged once, on one line, with exit code 1.
catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
{
    EdgeModule.Log.StartFailed(log, Reason(e));
    EdgeModule.Log.StartFailedDetail(log, e);
    exitCode.Fail(ModuleExitCode.StartFailed);
}

return exitCode.Value;

void OnStopSignal(PosixSignalContext context)
{
    // The host's own handler takes over once it runs; before that, this one keeps the runtime from ending the process.
    context.Cancel = true;
    stopRequested.Cancel();
}

static bool IsCancellation(Exception e) => e switch
{
    OperationCanceledException => true,
    AggregateException a => a.InnerExceptions.All(IsCancellation),
    _ => e.InnerException is { } inner && IsCancellation(inner),
};

// The message of the exception and of the causes under it, on one line.
static string Reason(Exception e)
{
    var parts = new List<string>();
    for (var x = e; x is not null; x = x.InnerException)
    {
        if (x is not AggregateException && (parts.Count == 0 || !parts[^1].Contains(x.Message, StringComparison.Ordinal)))
        {
            parts.Add(x.Message.ReplaceLineEndings(" ").TrimEnd('.'));
        }
    }

    return string.Join(": ", parts);
}
