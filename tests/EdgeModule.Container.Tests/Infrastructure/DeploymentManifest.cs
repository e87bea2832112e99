using System.Globalization;
using System.Text.Json;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// The parts of deployment.template.json the tests check and run the container with: the module's env, its
/// createOptions (an object in the template, a JSON string once generated; both are read), and the system modules.
/// </summary>
internal sealed class DeploymentManifest
{
    public const string File = "deployment.template.json";
    public const string ModuleName = "EdgeModule";

    private DeploymentManifest(JsonElement agent, JsonElement hub)
    {
        Agent = agent;
        Hub = hub;
        Module = agent.GetProperty("modules").GetProperty(ModuleName);
        CreateOptions = ReadCreateOptions(Module);
        Env = Module.GetProperty("env").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString() ?? string.Empty, StringComparer.Ordinal);
    }

    /// <summary>$edgeAgent's desired properties.</summary>
    public JsonElement Agent { get; }

    /// <summary>$edgeHub's desired properties.</summary>
    public JsonElement Hub { get; }

    public JsonElement Module { get; }

    public JsonElement CreateOptions { get; }

    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>The container's stop timeout: a top-level createOptions field (Docker's Config.StopTimeout).</summary>
    public int StopTimeout => CreateOptions.GetProperty("StopTimeout").GetInt32();

    public int ShutdownWaitPeriod => int.Parse(Env["ShutdownWaitPeriod"], CultureInfo.InvariantCulture);

    /// <summary>HostConfig.Binds as (host path, container path).</summary>
    public IReadOnlyList<(string Host, string Container)> Binds =>
        [.. CreateOptions.GetProperty("HostConfig").GetProperty("Binds").EnumerateArray().Select(b =>
        {
            var parts = b.GetString()!.Split(':');
            return (parts[0], parts[1]);
        })];

    public static DeploymentManifest Load()
    {
        using var document = Repository.Json(File);
        var content = document.RootElement.GetProperty("modulesContent").Clone();
        return new DeploymentManifest(
            content.GetProperty("$edgeAgent").GetProperty("properties.desired"),
            content.GetProperty("$edgeHub").GetProperty("properties.desired"));
    }

    public static JsonElement ReadCreateOptions(JsonElement module)
    {
        var options = module.GetProperty("settings").GetProperty("createOptions");
        if (options.ValueKind != JsonValueKind.String)
        {
            return options;
        }

        using var parsed = JsonDocument.Parse(options.GetString()!);
        return parsed.RootElement.Clone();
    }
}
