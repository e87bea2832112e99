using System.Diagnostics;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>
/// A throwaway PKI made with openssl in a temp dir: a CA, a broker certificate for 127.0.0.1/localhost signed by it,
/// a client certificate, and a second, unrelated CA for the "wrong CA" cases.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "edgemodule-pki-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        MakeCa("ca");
        MakeCa("wrong-ca");
        MakeLeaf("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        MakeLeaf("client", "ca", "extendedKeyUsage=clientAuth");
    }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string WrongCaFile => Path.Combine(Directory, "wrong-ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private void MakeCa(string name) =>
        OpenSsl($"req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN={name} -keyout {name}.key -out {name}.pem");

    private void MakeLeaf(string name, string ca, string extension)
    {
        File.WriteAllText(Path.Combine(Directory, name + ".ext"), extension + "\n");
        OpenSsl($"req -newkey rsa:2048 -nodes -subj /CN={name} -keyout {name}.key -out {name}.csr");
        OpenSsl($"x509 -req -in {name}.csr -CA {ca}.pem -CAkey {ca}.key -CAcreateserial -days 2 -extfile {name}.ext -out {name}.pem");
    }

    private void OpenSsl(string arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {arguments} failed: {error.Result}");
        }
    }
}
