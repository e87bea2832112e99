using System.Diagnostics;
using System.Globalization;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// A real Azurite blob service (npm package <c>azurite</c>) on 127.0.0.1, its data in a temp folder, for the upload tests. Started
/// with <c>--skipApiVersionCheck</c> (else it refuses the SDK's newer API version) and <c>--disableTelemetry</c>
/// (else it tries to reach the internet). Installed with npm when missing (CI installs it beforehand).
/// </summary>
internal sealed class AzuriteProcess : IDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lock s_installGate = new();
    private readonly Process _process;
    private readonly DirectoryInfo _folder;

    private AzuriteProcess(Process process, int port, DirectoryInfo folder)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public BlobServiceClient Service => new(BlobEndpoint, new StorageSharedKeyCredential(AccountName, AccountKey));

    public static async Task<AzuriteProcess> StartAsync()
    {
        var executable = FindOrInstall();
        var port = EdgeModule.Tests.Shared.LoopbackPorts.Next();
        var folder = Directory.CreateTempSubdirectory("azurite-");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.FullName,
        };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", folder.FullName,
            "--skipApiVersionCheck", "--disableTelemetry", "--loose",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (line.Contains("successfully listens", StringComparison.OrdinalIgnoreCase))
                {
                    listening.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("azurite exited: " + string.Join('\n', output)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, port, folder);
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            azurite.Dispose();
            throw;
        }

        return azurite;
    }

    /// <summary>A SAS URL of <paramref name="container"/> (create, write, read) valid until <paramref name="expires"/>.</summary>
    public Uri ContainerSas(string container, DateTimeOffset expires)
    {
        var sas = new BlobSasBuilder(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Read, expires)
        {
            BlobContainerName = container,
            Resource = "c",
            StartsOn = DateTimeOffset.UtcNow.AddHours(-2),
        };
        var query = sas.ToSasQueryParameters(new StorageSharedKeyCredential(AccountName, AccountKey)).ToString();
        return new Uri($"{BlobEndpoint}/{container}?{query}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _folder.Delete(recursive: true);
    }

    private static string FindOrInstall()
    {
        lock (s_installGate)
        {
            if (Find() is { } found)
            {
                return found;
            }

            using var npm = Process.Start(new ProcessStartInfo("npm", "install -g azurite --no-audit --no-fund") { UseShellExecute = false })!;
            if (!npm.WaitForExit(300_000) || npm.ExitCode != 0)
            {
                throw new InvalidOperationException("azurite-blob is not installed and 'npm install -g azurite' failed: install Node.js and run it");
            }

            return Find() ?? throw new InvalidOperationException("'npm install -g azurite' ran but azurite-blob is not on PATH");
        }
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "azurite-blob"))
            .FirstOrDefault(File.Exists);
}
