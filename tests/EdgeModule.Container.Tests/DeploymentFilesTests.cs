using System.Text.Json;
using EdgeModule.Container.Tests.Infrastructure;

namespace EdgeModule.Container.Tests;

/// <summary>
/// The deployment files as text, no Docker needed: the manifest's pairing of StopTimeout and ShutdownWaitPeriod (and
/// the IoT Edge pitfall of a StopTimeout inside HostConfig), its folders and routes, and the three Dockerfiles kept
/// identical but for their architecture (only amd64 is built here).
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string[] _architectureArgs = ["DOTNET_IMAGE", "BASE_IMAGE", "RID"];

    [Fact]
    public void Manifest_StopTimeout_IsTopLevelAndAtLeastFiveSecondsAboveShutdownWaitPeriod()
    {
        var manifest = DeploymentManifest.Load();

        // Docker reads StopTimeout from the container config; IoT Edge passes HostConfig through, where it is ignored.
        Assert.Equal(JsonValueKind.Number, manifest.CreateOptions.GetProperty("StopTimeout").ValueKind);
        Assert.False(manifest.CreateOptions.GetProperty("HostConfig").TryGetProperty("StopTimeout", out _), "StopTimeout inside HostConfig is ignored");
        Assert.InRange(manifest.ShutdownWaitPeriod, 2, 3600);
        Assert.True(manifest.StopTimeout >= manifest.ShutdownWaitPeriod + 5,
            $"StopTimeout {manifest.StopTimeout} s must leave the module its ShutdownWaitPeriod {manifest.ShutdownWaitPeriod} s and the exit");
    }

    [Fact]
    public void Manifest_Module_InMemoryWithBackupOnTwoBoundFoldersThatAreTheImagesVolumes()
    {
        var manifest = DeploymentManifest.Load();

        Assert.Equal("false", manifest.Env["UsePersistentStorage"]);
        Assert.Equal("true", manifest.Env["EnableNonPersistentStorageBackup"]);
        var folders = new[] { manifest.Env["StorageFolder"], manifest.Env["BackupFolder"] };
        Assert.Equal(folders.Order(StringComparer.Ordinal), manifest.Binds.Select(b => b.Container).Order(StringComparer.Ordinal));
        Assert.All(manifest.Binds, b => Assert.StartsWith("/", b.Host, StringComparison.Ordinal));
        var volume = Assert.Single(Repository.Lines(ModuleImage.Dockerfile), l => l.StartsWith("VOLUME ", StringComparison.Ordinal));
        Assert.All(folders, f => Assert.Contains($"\"{f}\"", volume, StringComparison.Ordinal));
        Assert.Equal("${EDGEMODULE_IMAGE}", manifest.Module.GetProperty("settings").GetProperty("image").GetString());
    }

    [Fact]
    public void Manifest_SystemModulesAndRoutes_LeafDevicesIntoTheModuleAndItsOutputUpstreamWithStoreAndForward()
    {
        var manifest = DeploymentManifest.Load();

        Assert.Equal("docker", manifest.Agent.GetProperty("runtime").GetProperty("type").GetString());
        var system = manifest.Agent.GetProperty("systemModules");
        Assert.StartsWith("mcr.microsoft.com/azureiotedge-agent:", system.GetProperty("edgeAgent").GetProperty("settings").GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/azureiotedge-hub:", system.GetProperty("edgeHub").GetProperty("settings").GetProperty("image").GetString(), StringComparison.Ordinal);
        var routes = manifest.Hub.GetProperty("routes").EnumerateObject().Select(r => r.Value.GetString()!).ToList();
        Assert.Contains(routes, r => r.EndsWith($"INTO BrokeredEndpoint(\"/modules/{DeploymentManifest.ModuleName}/inputs/input1\")", StringComparison.Ordinal));
        Assert.Contains($"FROM /messages/modules/{DeploymentManifest.ModuleName}/outputs/output1 INTO $upstream", routes);
        Assert.True(manifest.Hub.GetProperty("storeAndForwardConfiguration").GetProperty("timeToLiveSecs").GetInt32() > 0);
    }

    [Theory]
    [InlineData("Dockerfile.arm32v7", "arm32v7", "linux-arm")]
    [InlineData("Dockerfile.arm64v8", "arm64v8", "linux-arm64")]
    public void Dockerfiles_OtherArchitectures_SameAsAmd64ButForTheArchitectureArgs(string dockerfile, string architecture, string rid)
    {
        static string[] Common(string file) =>
            [.. Repository.Lines(file).Where(l => !_architectureArgs.Any(a => l.StartsWith($"ARG {a}=", StringComparison.Ordinal)))];

        Assert.Equal(Common(ModuleImage.Dockerfile), Common(dockerfile));
        var args = Repository.DockerfileArgs(dockerfile);
        Assert.EndsWith($"-{architecture}", args["DOTNET_IMAGE"], StringComparison.Ordinal);
        Assert.StartsWith($"{architecture}/", args["BASE_IMAGE"], StringComparison.Ordinal);
        Assert.Equal(rid, args["RID"]);
        Assert.Equal(Repository.DockerfileArgs(ModuleImage.Dockerfile)["SDK_IMAGE"], args["SDK_IMAGE"]);
    }
}
