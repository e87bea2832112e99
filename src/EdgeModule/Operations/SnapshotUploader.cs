using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace EdgeModule.Operations;

/// <summary>
/// Copies a backup generation off the device: streamed from its file to Azure Blob Storage as a block blob, with the
/// SAS URL the operator gives (a container's, the blob then named after the file, or a blob's). Transient failures
/// (timeouts, 408, 429, 5xx, a dropped connection) are retried with Polly's exponential backoff over the SDK's own
/// retries turned off, so one policy decides; any other answer (403 for a bad or expired SAS, 404 for a missing
/// container) fails the task at once with its HTTP status. A generation the journal appends to is uploaded up to its
/// length when the upload starts: a delta appended meanwhile is left out, and one being appended at that moment shows
/// as a torn tail, which restore treats as it does after a crash (everything before it is restored).
/// </summary>
public sealed class SnapshotUploader(TimeProvider time, ILogger<SnapshotUploader> logger)
{
    /// <summary>Attempts in all for a transient failure.</summary>
    public const int MaxAttempts = 4;

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromSeconds(1),
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<RequestFailedException>(IsTransient).Handle<HttpRequestException>().Handle<IOException>(),
            OnRetry = args =>
            {
                OperationsLog.UploadRetry(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "?");
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>The blob a SAS URL names for <paramref name="fileName"/>; throws <see cref="MethodPayloadException"/> when it is no URL.</summary>
    public static BlobClient BlobFor(string sasUrl, string fileName)
    {
        if (!Uri.TryCreate(sasUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new MethodPayloadException("\"sasUrl\" must be an absolute https:// (or http://) URL of a container or a blob with its SAS");
        }

        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        var parts = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(parts.BlobContainerName))
        {
            throw new MethodPayloadException("\"sasUrl\" names no container");
        }

        if (string.IsNullOrEmpty(parts.BlobName))
        {
            parts.BlobName = fileName;
        }

        return new BlobClient(parts.ToUri(), options);
    }

    /// <summary>Uploads <paramref name="path"/> to <paramref name="blob"/>; reports bytes sent to <paramref name="task"/>.</summary>
    public async Task UploadAsync(string path, long generation, BlobClient blob, OperationTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(task);
        var started = time.GetTimestamp();
        long length = 0;
        try
        {
            await _retry.ExecuteAsync(
                async token =>
                {
                    var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
                    await using (stream.ConfigureAwait(false))
                    {
                        length = stream.Length;
                        using var bounded = new BoundedReadStream(stream, length);
                        await blob.UploadAsync(bounded, new BlobUploadOptions
                        {
                            ProgressHandler = new Progress<long>(task.Progress),
                            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["generation"] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        }, token).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new IOException($"upload to {blob.Uri.GetLeftPart(UriPartial.Path)} failed: HTTP {ex.Status} ({ex.ErrorCode ?? "no error code"})", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new IOException($"generation {generation} is gone ({path})", ex);
        }

        var elapsed = time.GetElapsedTime(started);
        task.Complete($"generation {generation} uploaded to {blob.Uri.GetLeftPart(UriPartial.Path)}", generation, length, null, elapsed, length);
        OperationsLog.Uploaded(logger, task.CorrelationId, generation, blob.Uri.GetLeftPart(UriPartial.Path), length, (long)elapsed.TotalMilliseconds);
    }

    private static bool IsTransient(RequestFailedException ex) => ex.Status is 0 or 408 or 429 or >= 500;
}
