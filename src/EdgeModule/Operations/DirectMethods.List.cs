using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule.Operations;

public sealed partial class DirectMethods
{
    /// <summary>
    /// Generations (newest first), then quarantined files, from <c>continuationToken</c> (an index, "0" or absent at
    /// the start) as far as <see cref="PageBudgetBytes"/> allows; the answer's <c>continuationToken</c> is the next
    /// page's, absent on the last. What a full read of each generation found comes from <see cref="SnapshotCatalog"/>
    /// (read in the background, never by the listing itself).
    /// </summary>
    private MethodResponse ListSnapshots(MethodPayload payload)
    {
        var token = payload.String("continuationToken", required: false) ?? "0";
        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            throw new MethodPayloadException($"\"continuationToken\" must be one an earlier ListSnapshots returned (got \"{token}\")");
        }

        var entries = ListEntries();
        var page = new JsonArray();
        var used = 256;
        var next = start;
        while (next < entries.Count)
        {
            var size = Encoding.UTF8.GetByteCount(entries[next].ToJsonString()) + 1;
            if (used + size > PageBudgetBytes && page.Count > 0)
            {
                break;
            }

            used += size;
            page.Add(entries[next]);
            next++;
        }

        var json = new JsonObject { ["schemaVersion"] = MethodPayload.SchemaVersion, ["total"] = entries.Count, ["snapshots"] = page };
        if (next < entries.Count)
        {
            json["continuationToken"] = next.ToString(CultureInfo.InvariantCulture);
        }

        return Ok(json);
    }

    private List<JsonObject> ListEntries()
    {
        var generations = backup.ListGenerations();
        var entries = new List<JsonObject>(generations.Count);
        var journalStats = journal.Journal?.GetStatistics();
        foreach (var g in generations)
        {
            var protection = ProtectionOf(g, generations);
            var entry = new JsonObject
            {
                ["generation"] = g.Number,
                ["state"] = "unverified",
                ["file"] = Path.GetFileName(g.Path),
                ["created"] = Created(g.Path),
                ["bytes"] = g.Bytes,
                ["restored"] = restore.Result?.Generation == g.Number,
                ["timesRestored"] = g.TimesRestored,
                ["protected"] = protection is not null,
            };
            if (journalStats?.Generation == g.Number)
            {
                // Growing every interval: read in full it would be out of date at once. The journal knows it.
                entry["state"] = "appending";
                entry["deltas"] = journalStats.Deltas;
            }
            else if (catalog.Find(g.Path) is { } verified)
            {
                entry["state"] = SnapshotCatalog.Describe(verified);
                entry["records"] = verified.Records;
                entry["deltas"] = verified.Deltas;
                entry["lastSequence"] = verified.LastSequence;
                entry["lastTime"] = verified.LastTime?.ToString("O", CultureInfo.InvariantCulture);
                if (verified.Reason is { } reason)
                {
                    entry["problem"] = reason;
                }
            }

            entries.Add(entry);
        }

        if (Directory.Exists(backup.QuarantineFolder))
        {
            foreach (var path in Directory.EnumerateFiles(backup.QuarantineFolder).Order(StringComparer.Ordinal))
            {
                entries.Add(new JsonObject
                {
                    ["state"] = "quarantined",
                    ["file"] = Path.GetFileName(path),
                    ["created"] = Created(path),
                    ["bytes"] = new FileInfo(path).Length,
                });
            }
        }

        return entries;
    }

    private static string Created(string path) =>
        new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture);
}
