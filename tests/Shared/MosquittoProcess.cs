using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeModule.Tests.Shared;

/// <summary>
/// Starts Debian's mosquitto with a config file and returns once the broker logged "running" (its own readiness line,
/// not a sleep). Shared by the transport and the module tests, each of which writes its own config.
/// </summary>
internal static class MosquittoProcess
{
    /// <exception cref="TimeoutException">the broker did not report running in time; it has been killed.</exception>
    public static Process Start(string configFile, TimeSpan timeout)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new ConcurrentQueue<string>();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", configFile]) { RedirectStandardError = true, RedirectStandardOutput = true },
            EnableRaisingEvents = true,
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains(" running", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("mosquitto exited: " + string.Join('\n', log)));
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!ready.Task.Wait(timeout))
        {
            process.Kill();
            process.WaitForExit(timeout);
            process.Dispose();
            throw new TimeoutException("mosquitto did not start: " + string.Join('\n', log));
        }

        return process;
    }
}
