using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// Finds librocksdb. The imports name "rocksdb"; the runtime's own probing would look for "librocksdb.so" only, which
/// exists only with the -dev package installed, so the resolver also tries the versioned sonames of the runtime
/// package, and fails with one message that says what to install.
/// </summary>
internal static class RocksDbLibrary
{
    /// <summary>The Debian package that ships the library this binding is written against (C API of 7.8).</summary>
    internal const string DebianPackage = "librocksdb7.8";

    /// <summary>Unversioned first (what a developer machine with librocksdb-dev has), then the runtime sonames.</summary>
    internal static readonly IReadOnlyList<string> Candidates = ["librocksdb.so", "librocksdb.so.7.8", "librocksdb.so.7"];

    private static readonly Lock _gate = new();
    private static bool _registered;
    private static nint _handle;

    public static void EnsureResolver()
    {
        lock (_gate)
        {
            if (!_registered)
            {
                NativeLibrary.SetDllImportResolver(typeof(RocksDbLibrary).Assembly, Resolve);
                _registered = true;
            }
        }
    }

    /// <summary>Loads the first candidate that loads; throws <see cref="DllNotFoundException"/> naming the package.</summary>
    internal static nint Load(IReadOnlyList<string> candidates)
    {
        foreach (var name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(MissingLibraryMessage(candidates));
    }

    internal static string MissingLibraryMessage(IReadOnlyList<string> candidates) =>
        $"The RocksDB native library could not be loaded (tried {string.Join(", ", candidates)}). " +
        $"Install the Debian package {DebianPackage}: apt-get install {DebianPackage}";

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, NativeMethods.Library, StringComparison.Ordinal))
        {
            return 0;
        }

        // Every import binds through here once; dlopen the library only the first time.
        lock (_gate)
        {
            if (_handle == 0)
            {
                _handle = Load(Candidates);
            }

            return _handle;
        }
    }
}
