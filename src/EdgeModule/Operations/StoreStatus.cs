using System.Globalization;
using System.Text.Json.Nodes;
using EdgeModule.Messaging;
using EdgeModule.Store;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule.Operations;

/// <summary>
/// The module's state as an operator reads it: the GetStoreStatus direct method's answer, and (without the figures
/// that move every second) the <c>moduleState</c> reported property.
/// </summary>
public sealed class StoreStatus(
    ModuleOptions options, MessageStore messages, ModuleJournal journal, BackupActivity activity, StartupRestore restore, ModuleClients clients)
{
    /// <summary>mode, messages and bytes per endpoint, oldest message age, last backup result, unprotected bytes.</summary>
    public JsonObject Describe()
    {
        var stats = messages.GetStats();
        var endpoints = new JsonArray();
        foreach (var e in stats.Endpoints)
        {
            endpoints.Add(new JsonObject
            {
                ["name"] = e.Endpoint,
                ["messages"] = e.Undelivered,
                ["bytes"] = e.QueueBytes,
                ["oldestMessageAgeSeconds"] = e.OldestMessageAge?.TotalSeconds,
                ["forwarded"] = e.Forwarded,
            });
        }

        var oldest = stats.Endpoints.Select(e => e.OldestMessageAge).Where(a => a is not null).DefaultIfEmpty(null).Max();
        var json = Common(stats);
        json["endpoints"] = endpoints;
        json["oldestMessageAgeSeconds"] = oldest?.TotalSeconds;
        return json;
    }

    /// <summary>
    /// The reported property's state: mode, message count and bytes, the size limit, unprotected bytes, the last backup,
    /// the generation restored at start, the upstream connection (no ages, so an idle module reports nothing new).
    /// </summary>
    public JsonObject DescribeForTwin() => Common(messages.GetStats());

    private JsonObject Common(MessageStoreStats stats)
    {
        var journalStats = journal.Journal?.GetStatistics();

        // What a kill would lose now: the journal's window; without it everything in memory until the shutdown
        // backup; nothing when the store is on disk.
        long unprotected = journalStats?.UnprotectedBytes ?? (options.Storage.UsePersistentStorage ? 0 : stats.MessageBytes);
        return new JsonObject
        {
            ["mode"] = options.Storage.UsePersistentStorage ? "persistent" : journalStats is null ? "memory" : "memory+journal",
            ["messages"] = stats.MessageCount,
            ["bytes"] = stats.MessageBytes,
            ["maxBytes"] = stats.MaxStoreBytes == long.MaxValue ? 0 : stats.MaxStoreBytes,
            ["unprotectedBytes"] = unprotected,
            ["lastBackup"] = LastBackup(),
            ["restoredGeneration"] = restore.Result?.Generation,
            ["upstreamConnected"] = clients.Upstream.Status == ConnectionStatus.Connected,
        };
    }

    private JsonObject? LastBackup() => activity.Last is { } last
        ? new JsonObject
        {
            ["succeeded"] = last.Succeeded,
            ["at"] = last.At.ToString("O", CultureInfo.InvariantCulture),
            ["generation"] = last.Generation,
            ["error"] = last.Error,
        }
        : null;
}
