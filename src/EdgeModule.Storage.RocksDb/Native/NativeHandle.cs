using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// Base of every RocksDB object's handle. A handle holds a SafeHandle reference on each object it needs (its
/// "parents": the database for a column family, snapshot or iterator; the snapshot for its read options...), taken
/// before the native object is created and released only after it is freed. So the native free order RocksDB
/// requires (iterators, snapshots and column family handles before the database) holds whatever order the managed
/// side disposes in, and disposing the store while another thread still uses a cursor only defers the close.
/// </summary>
/// <remarks>
/// A "borrowed" handle wraps the pointer of another handle of the same type without owning it: it only holds a
/// reference. A snapshot borrows the database and its column families, so it keeps reading after the store (or a
/// drop) disposed the store's own handles.
/// </remarks>
internal abstract class NativeHandle : SafeHandle
{
    private NativeHandle? _parent0;
    private NativeHandle? _parent1;
    private NativeHandle? _parent2;
    private bool _borrowed;

    protected NativeHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>A handle on the same native object that keeps it alive but never frees it itself.</summary>
    internal static T Borrow<T>(T owner)
        where T : NativeHandle, new()
    {
        var borrowed = new T { _borrowed = true };
        nint pointer = 0;
        try
        {
            borrowed.AddParent(owner);
            pointer = owner.DangerousGetHandle();
        }
        finally
        {
            borrowed.Adopt(pointer);
        }

        return borrowed;
    }

    /// <summary>Takes a reference on an object this one depends on; throws <see cref="ObjectDisposedException"/> if it is closed.</summary>
    protected void AddParent(NativeHandle parent)
    {
        var added = false;
        parent.DangerousAddRef(ref added);
        if (_parent0 is null)
        {
            _parent0 = parent;
        }
        else if (_parent1 is null)
        {
            _parent1 = parent;
        }
        else if (_parent2 is null)
        {
            _parent2 = parent;
        }
        else
        {
            parent.DangerousRelease();
            throw new InvalidOperationException("A native handle has at most three parents.");
        }
    }

    /// <summary>
    /// Takes ownership of what the create call returned. Call it in a finally block: when creation failed (null),
    /// the parents are released here, because <see cref="ReleaseHandle"/> never runs for an invalid handle.
    /// </summary>
    protected void Adopt(nint pointer)
    {
        if (pointer == 0)
        {
            ReleaseParents();
            SetHandleAsInvalid();
            return;
        }

        SetHandle(pointer);
    }

    /// <summary>After <see cref="Adopt"/>: a create function that returned null without an error message.</summary>
    protected void ThrowIfNotCreated(string what)
    {
        if (IsInvalid)
        {
            throw new RocksDbException(what, "the C API returned null");
        }
    }

    /// <summary>Frees the native object; its parents are still alive here.</summary>
    protected abstract void Free(nint pointer);

    protected sealed override bool ReleaseHandle()
    {
        if (!_borrowed)
        {
            Free(handle);
        }

        ReleaseParents();
        return true;
    }

    private void ReleaseParents()
    {
        // Each parent holds its own references on what it needs, so the order is not critical; reverse is tidy.
        Release(ref _parent2);
        Release(ref _parent1);
        Release(ref _parent0);
    }

    private static void Release(ref NativeHandle? parent)
    {
        parent?.DangerousRelease();
        parent = null;
    }
}
