using System.Text;
using System.Text.Json.Nodes;
using EdgeModule.Backup;
using EdgeModule.Store;
using EdgeModule.Transport.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// The module's direct methods, in edgeAgent's manner: JSON payloads with <c>"schemaVersion": "1.0"</c>, 400 on a bad
/// payload, 404 on an unknown generation, 409 on a delete of a protected generation, long work as a task with a
/// <c>correlationId</c> polled with <c>GetTaskStatus</c>, every answer under 128 KB (ListSnapshots pages).
/// </summary>
public sealed partial class DirectMethods(
    StoreStatus status,
    BackupManager backup,
    ModuleJournal journal,
    StartupRestore restore,
    SnapshotTasks tasks,
    SnapshotUploader uploader,
    SnapshotCatalog catalog,
    TimeProvider time,
    ILogger<DirectMethods> logger)
{
    /// <summary>The budget of one ListSnapshots page: well under the 128 KB a method response may carry.</summary>
    public const int PageBudgetBytes = 100 * 1024;

    /// <summary>How long DeleteSnapshot waits for another operation on the backup folder to finish.</summary>
    public static readonly TimeSpan FolderWait = TimeSpan.FromSeconds(10);

    public const int StatusOk = 200;
    public const int StatusBadRequest = 400;
    public const int StatusNotFound = 404;
    public const int StatusConflict = 409;

    /// <summary>Every method by name.</summary>
    public IReadOnlyDictionary<string, Func<MethodPayload, MethodResponse>> Methods => new Dictionary<string, Func<MethodPayload, MethodResponse>>(StringComparer.Ordinal)
    {
        ["GetStoreStatus"] = GetStoreStatus,
        ["CreateSnapshot"] = CreateSnapshot,
        ["GetTaskStatus"] = GetTaskStatus,
        ["ListSnapshots"] = ListSnapshots,
        ["DeleteSnapshot"] = DeleteSnapshot,
        ["UploadSnapshot"] = UploadSnapshot,
    };

    /// <summary>The transport's handler for <paramref name="name"/>: parses the payload, answers 400 on a bad one.</summary>
    public Func<MethodRequest, CancellationToken, Task<MethodResponse>> Handler(string name, Func<MethodPayload, MethodResponse> method) =>
        (request, _) =>
        {
            try
            {
                return Task.FromResult(method(MethodPayload.Parse(request)));
            }
            catch (MethodPayloadException ex)
            {
                return Task.FromResult(Error(name, StatusBadRequest, ex.Message));
            }
        };

    private MethodResponse GetStoreStatus(MethodPayload payload)
    {
        var json = status.Describe();
        json.Insert(0, "schemaVersion", MethodPayload.SchemaVersion);
        return Ok(json);
    }

    private MethodResponse CreateSnapshot(MethodPayload payload)
    {
        var (task, _) = tasks.StartSnapshot();
        return Ok(new JsonObject { ["status"] = task.Status.ToString(), ["correlationId"] = task.CorrelationId });
    }

    private MethodResponse GetTaskStatus(MethodPayload payload)
    {
        var id = payload.String("correlationId", required: true)!;
        return tasks.Find(id) is { } task
            ? Ok(task.ToJson())
            : Ok(new JsonObject { ["correlationId"] = id, ["status"] = nameof(OperationStatus.Unknown), ["message"] = "no task with this id (unknown, or forgotten after a restart)" });
    }

    private MethodResponse DeleteSnapshot(MethodPayload payload)
    {
        var number = payload.Int64("generation", min: 1);
        BackupGeneration? generation;
        try
        {
            generation = backup.DeleteGeneration(number, (generations, g) => ProtectionOf(g, generations), time.GetUtcNow() + FolderWait);
        }
        catch (InvalidOperationException refused)
        {
            return Error("DeleteSnapshot", StatusConflict, $"generation {number} is protected: {refused.Message}");
        }
        catch (BackupDeadlineExceededException)
        {
            return Error("DeleteSnapshot", StatusConflict,
                $"the backup folder stayed busy for {FolderWait.TotalSeconds:F0} s (a backup or a compaction writes there); try again");
        }

        if (generation is null)
        {
            return Error("DeleteSnapshot", StatusNotFound, $"no generation {number} in {backup.Folder}");
        }

        OperationsLog.SnapshotDeleted(logger, number, generation.Path, generation.Bytes);
        return Ok(new JsonObject { ["generation"] = number, ["deleted"] = true, ["bytes"] = generation.Bytes });
    }

    /// <summary>Starts an upload task of a generation to the SAS URL given; its figures come with GetTaskStatus.</summary>
    private MethodResponse UploadSnapshot(MethodPayload payload)
    {
        var number = payload.Int64("generation", min: 1);
        var sasUrl = payload.String("sasUrl", required: true)!;
        if (backup.ListGenerations().FirstOrDefault(g => g.Number == number) is not { } generation)
        {
            return Error("UploadSnapshot", StatusNotFound, $"no generation {number} in {backup.Folder}");
        }

        var blob = SnapshotUploader.BlobFor(sasUrl, Path.GetFileName(generation.Path));
        var task = tasks.Start("UploadSnapshot", (t, token) => uploader.UploadAsync(generation.Path, number, blob, t, token));
        return Ok(new JsonObject { ["status"] = task.Status.ToString(), ["correlationId"] = task.CorrelationId });
    }

    /// <summary>Why <paramref name="generation"/> must stay, or null when it may go.</summary>
    private string? ProtectionOf(BackupGeneration generation, IReadOnlyList<BackupGeneration> generations)
    {
        // Listed newest first. The newest is what a restart would restore: deleting it would roll the store back.
        if (generation.Number == generations[0].Number)
        {
            return "it is the newest generation, the one a restart restores";
        }

        if (journal.Journal?.GetStatistics().Generation == generation.Number)
        {
            return "the journal appends to it";
        }

        if (restore.Result?.Generation == generation.Number && !generations.Any(g => g.Number > generation.Number))
        {
            return "the store was restored from it and nothing newer protects the state since";
        }

        return null;
    }

    private MethodResponse Error(string method, int status, string message)
    {
        OperationsLog.MethodRefused(logger, method, status, message);
        return new MethodResponse(status, Encoding.UTF8.GetBytes(new JsonObject { ["message"] = message }.ToJsonString()));
    }

    private static MethodResponse Ok(JsonObject json) => new(StatusOk, Encoding.UTF8.GetBytes(json.ToJsonString()));
}
