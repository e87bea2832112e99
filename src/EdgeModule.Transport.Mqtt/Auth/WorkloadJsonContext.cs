using System.Text.Json.Serialization;

namespace EdgeModule.Transport.Mqtt.Auth;

/// <summary>Source-generated JSON for the workload API payloads (no reflection, trimming-safe).</summary>
[JsonSerializable(typeof(WorkloadApiClient.SignRequest))]
[JsonSerializable(typeof(WorkloadApiClient.SignResponse))]
[JsonSerializable(typeof(WorkloadApiClient.TrustBundleResponse))]
internal sealed partial class WorkloadJsonContext : JsonSerializerContext;
