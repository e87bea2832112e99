using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// Holds references on two handles across several native calls, for native results that point into them and must
/// be freed before they are (a pinnable slice pins memory of its column family's current version).
/// </summary>
internal ref struct HandleLease
{
    private SafeHandle? _first;
    private SafeHandle? _second;

    public HandleLease(SafeHandle first, SafeHandle second)
    {
        var added = false;
        first.DangerousAddRef(ref added);
        _first = first;
        try
        {
            added = false;
            second.DangerousAddRef(ref added);
            _second = second;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _second?.DangerousRelease();
        _second = null;
        _first?.DangerousRelease();
        _first = null;
    }
}
