namespace EdgeModule.Storage.InMemory;

/// <summary>
/// The net change of one partition since the change set's base. Applied in this order: when <see cref="Dropped"/>,
/// the partition as it was at the base is dropped (with everything in it); then, when <see cref="Exists"/>, the
/// partition is created if missing and <see cref="Keys"/> are applied.
/// </summary>
public sealed class PartitionChanges
{
    internal PartitionChanges(string name, bool dropped, bool exists, KeyChange[] keys)
    {
        Name = name;
        Dropped = dropped;
        Exists = exists;
        Keys = keys;
    }

    public string Name { get; }

    /// <summary>The partition existed at the base and was dropped since (it may have been created again after).</summary>
    public bool Dropped { get; }

    /// <summary>The partition exists at the change set's sequence; false only together with <see cref="Dropped"/>.</summary>
    public bool Exists { get; }

    /// <summary>Changed keys in store order (bytewise); empty for a partition that was only created or dropped.</summary>
    public IReadOnlyList<KeyChange> Keys { get; }
}
