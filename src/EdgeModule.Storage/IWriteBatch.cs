using System.Runtime.CompilerServices;

namespace EdgeModule.Storage;

/// <summary>
/// Puts and removes over partitions of one store, applied in order and atomically by <see cref="IKeyValueStore.Write"/>.
/// Arguments are validated when an operation is added, so a batch that was built can only fail as a whole.
/// Not thread safe: one batch belongs to one writer.
/// </summary>
public interface IWriteBatch : IDisposable
{
    int Count { get; }

    /// <summary>Adds a put; the batch copies the key and value, so the caller may reuse its arrays at once.</summary>
    /// <remarks>Preferred over the span overload when both fit, so collection expressions and nulls stay unambiguous.</remarks>
    [OverloadResolutionPriority(1)]
    void Put(IPartition partition, byte[] key, byte[] value);

    /// <summary>
    /// Adds a put from views (a decoder's buffer, say): the batch's own copy is the only one made, where the array
    /// overload would need the caller to allocate first.
    /// </summary>
    void Put(IPartition partition, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Remove(IPartition partition, byte[] key);

    void Clear();
}
