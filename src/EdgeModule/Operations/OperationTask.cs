using System.Text.Json.Nodes;

namespace EdgeModule.Operations;

/// <summary>
/// A long operation started by a direct method (a snapshot, an upload), polled with <c>GetTaskStatus</c> by its
/// correlation id, as edgeAgent's own tasks are. Mutated only by its runner; read by the status handler.
/// </summary>
public sealed class OperationTask(string correlationId, string kind, DateTimeOffset started)
{
    private readonly Lock _gate = new();

    public string CorrelationId { get; } = correlationId;

    /// <summary><c>CreateSnapshot</c> or <c>UploadSnapshot</c>.</summary>
    public string Kind { get; } = kind;

    public DateTimeOffset Started { get; } = started;

    public OperationStatus Status { get; private set; } = OperationStatus.Running;

    public string Message { get; private set; } = "running";

    public long? Generation { get; private set; }

    public long? Bytes { get; private set; }

    public long? Records { get; private set; }

    public TimeSpan? Elapsed { get; private set; }

    public long? BytesUploaded { get; private set; }

    /// <summary>Bytes sent so far, while an upload runs.</summary>
    public void Progress(long bytesUploaded)
    {
        lock (_gate)
        {
            BytesUploaded = bytesUploaded;
        }
    }

    public void Complete(string message, long? generation, long? bytes, long? records, TimeSpan elapsed, long? bytesUploaded = null)
    {
        lock (_gate)
        {
            (Generation, Bytes, Records, Elapsed, BytesUploaded) = (generation, bytes, records, elapsed, bytesUploaded);
            Message = message;
            Status = OperationStatus.Completed;
        }
    }

    public void Fail(string message, TimeSpan elapsed)
    {
        lock (_gate)
        {
            Elapsed = elapsed;
            Message = message;
            Status = OperationStatus.Failed;
        }
    }

    /// <summary>The <c>GetTaskStatus</c> answer: figures only once they are known.</summary>
    public JsonObject ToJson()
    {
        lock (_gate)
        {
            var json = new JsonObject
            {
                ["correlationId"] = CorrelationId,
                ["operation"] = Kind,
                ["status"] = Status.ToString(),
                ["message"] = Message,
                ["started"] = Started.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            };
            AddIf(json, "generation", Generation);
            AddIf(json, "bytes", Bytes);
            AddIf(json, "records", Records);
            AddIf(json, "bytesUploaded", BytesUploaded);
            if (Elapsed is { } elapsed)
            {
                json["elapsedMs"] = (long)elapsed.TotalMilliseconds;
            }

            return json;
        }
    }

    private static void AddIf(JsonObject json, string name, long? value)
    {
        if (value is { } v)
        {
            json[name] = v;
        }
    }
}
