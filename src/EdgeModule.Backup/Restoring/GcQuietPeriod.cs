using System.Runtime;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// Keeps the garbage collector out of a restore into the in-memory store. Such a restore allocates the whole store
/// (a node, a version and a value array per record) and keeps every byte of it, the worst case for a generational
/// collector: each collection during the restore copies what survived the last one, about nine gen-0 and four gen-1
/// collections and a full one for a gigabyte. Instead the collector is asked up front for a no-GC region big enough
/// for the store (<see cref="GC.TryStartNoGCRegion(long)"/>), and one gen-1 collection at the end promotes the lot at
/// once, while the module is still starting and nothing is waiting on it.
/// </summary>
/// <remarks>
/// Process-wide state, so one restore at a time holds it; a restore that finds it taken, or a runtime that refuses
/// the size, simply runs without. Allocating past the region's size ends the region early (a collection happens, as
/// it would have anyway).
/// </remarks>
internal sealed class GcQuietPeriod : IDisposable
{
    private static int s_taken;
    private bool _disposed;

    private GcQuietPeriod()
    {
    }

    /// <summary>
    /// A no-GC region of <paramref name="bytes"/>, or null when there is none to be had (another restore holds one,
    /// the size is out of the runtime's range, or more than half the memory the GC may use).
    /// </summary>
    public static GcQuietPeriod? TryBegin(long bytes)
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        if (bytes <= 0 || bytes > limit || Interlocked.CompareExchange(ref s_taken, 1, 0) != 0)
        {
            return null;
        }

        try
        {
            if (GC.TryStartNoGCRegion(bytes))
            {
                return new GcQuietPeriod();
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // Too large for this runtime's regions, or a region already in progress (started outside this class).
        }

        Volatile.Write(ref s_taken, 0);
        return null;
    }

    /// <summary>Ends the region (unless an allocation past its size already did) and promotes the restored store.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
        catch (InvalidOperationException)
        {
            // The region ended by itself in between (a collection was induced or the size was exceeded).
        }
        finally
        {
            Volatile.Write(ref s_taken, 0);
        }

        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
    }
}
