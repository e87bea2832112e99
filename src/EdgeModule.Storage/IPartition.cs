namespace EdgeModule.Storage;

/// <summary>A live partition: reads see the newest committed state.</summary>
public interface IPartition : IPartitionReader
{
    void Put(byte[] key, byte[] value);

    /// <summary>Removes the key; removing an absent key is not an error.</summary>
    void Remove(byte[] key);
}
