namespace EdgeModule.Messaging;

/// <summary>What one <see cref="MessageStore.Cleanup"/> pass removed.</summary>
/// <param name="EntriesRemoved">Queue entries removed (delivered plus expired).</param>
/// <param name="ExpiredEntries">Of those, entries removed undelivered because their TTL had passed.</param>
/// <param name="MessagesDeleted">Message records deleted because no queue references them any more.</param>
/// <param name="BytesFreed">Bytes of the deleted message records.</param>
public readonly record struct CleanupResult(long EntriesRemoved, long ExpiredEntries, long MessagesDeleted, long BytesFreed);
