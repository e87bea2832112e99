using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeModule.Tests.Shared;

/// <summary>
/// Starts Debian's mosquitto with a config file and returns once the broker logged "running" (its own readiness line,
/// not a sleep). Shared by the transport and the module tests, each of which writes its own config.
/// </summary>
internal static class MosquittoProcess
{
    /// <summary>
    /// The logging lines every config started here needs: <see cref="Start"/> reads the broker's log from stderr and
    /// waits for its "running" notice.
    /// </summary>
    public const string StderrLog = """
        log_dest stderr
        log_type error
        log_type warning
        log_type notice
        log_type information
        """;

    /// <summary>
    /// First start of a broker whose ports come from <see cref="LoopbackPorts"/>: <paramref name="writeConfig"/> takes
    /// ports, writes the config and returns its path; it is called again (at most 5 times in all) when another
    /// process's listener took a port between the probe and mosquitto's bind.
    /// </summary>
    public static Process StartOnFreePorts(Func<string> writeConfig, TimeSpan timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Start(writeConfig(), timeout);
            }
            catch (MosquittoStartException e) when (e.AddressInUse && attempt < 5)
            {
            }
        }
    }

    /// <exception cref="MosquittoStartException">the broker exited before it reported running; its log is in the message.</exception>
    /// <exception cref="TimeoutException">the broker did not report running in time; it has been killed.</exception>
    public static Process Start(string configFile, TimeSpan timeout)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new ConcurrentQueue<string>();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", configFile]) { RedirectStandardError = true, RedirectStandardOutput = true },
        };

        // The end of stderr, not the Exited event, says the broker is gone: Exited can run before the last lines are
        // read, and a failure reported without its log ("mosquitto exited: ") cannot be told apart from any other.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                if (ready.Task.IsCompleted)
                {
                    return; // a broker that was running has been stopped
                }

                var lines = string.Join('\n', log);
                ready.TrySetException(new MosquittoStartException($"mosquitto ({configFile}) exited before it was running: {lines}", lines));
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains(" running", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            if (!ready.Task.Wait(timeout))
            {
                process.Kill();
                process.WaitForExit(timeout);
                throw new TimeoutException("mosquitto did not start: " + string.Join('\n', log));
            }
        }
        catch (AggregateException e) when (e.InnerException is MosquittoStartException failure)
        {
            // Its stderr ended, so it is exiting; should it linger, it must not outlive the test.
            if (!process.WaitForExit(timeout))
            {
                process.Kill();
                process.WaitForExit(timeout);
            }

            process.Dispose();
            throw failure;
        }
        catch (TimeoutException)
        {
            process.Dispose();
            throw;
        }

        return process;
    }
}

/// <summary>mosquitto exited during start; <see cref="AddressInUse"/> says whether a listener port was taken.</summary>
internal sealed class MosquittoStartException(string message, string log) : Exception(message)
{
    public bool AddressInUse { get; } = log.Contains("Address already in use", StringComparison.Ordinal);
}
