using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>
/// What a behavioural test needs from a backend: open a store, and "restart" it — RocksDB: close and reopen the same
/// folder (fresh temp folder per test); memory: copy a snapshot of every partition into a fresh store, as a restore
/// from backup does.
/// </summary>
public abstract class MessagingTestBase(Backend backend) : IDisposable
{
    private readonly List<IDisposable> _opened = [];
    private readonly Lazy<string> _folder = new(() => Directory.CreateTempSubdirectory("edgemodule-messaging-").FullName);

    protected Backend Backend { get; } = backend;

    internal ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    internal ListLogger<MessageStore> StoreLog { get; } = new();

    /// <summary>
    /// The <see cref="MessageStoreOptions.RemoveOnCheckpoint"/> of the stores opened with default options: a subclass
    /// that turns it on runs the same behaviours with delivered messages removed at acknowledgement.
    /// </summary>
    protected virtual bool RemoveOnCheckpoint => false;

    /// <summary>Memory backend only: its own byte limit (0 = none).</summary>
    protected long MemoryLimitBytes { get; set; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Bound of every wait on a signal: generous for a loaded machine, finite so a bug fails instead of hanging.</summary>
    protected static TimeSpan Bound => TimeSpan.FromSeconds(30);

    /// <summary>The default routes of these tests: "in" goes to endpoints a and b, "one" to a only.</summary>
    internal static RouteTable Routes { get; } = RouteTable.Parse("in=a,b;one=a");

    protected IKeyValueStore OpenBackend()
    {
        IKeyValueStore store = Backend == Backend.Memory
            ? new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = MemoryLimitBytes })
            : new RocksDbStore(new RocksDbStoreOptions { Path = Path.Combine(_folder.Value, "db") });
        _opened.Add(store);
        return store;
    }

    /// <summary>Closes <paramref name="store"/> and returns the same data in a newly opened store.</summary>
    protected IKeyValueStore Restart(IKeyValueStore store)
    {
        if (Backend == Backend.RocksDb)
        {
            store.Dispose();
            return OpenBackend();
        }

        var fresh = OpenBackend();
        StoreCopy.CopyAll(store, fresh);
        store.Dispose();
        return fresh;
    }

    internal MessageStore OpenStore(IKeyValueStore store, MessageStoreOptions? options = null)
    {
        var messageStore = new MessageStore(store, options ?? new MessageStoreOptions { Routes = Routes, RemoveOnCheckpoint = RemoveOnCheckpoint }, Clock, StoreLog);
        _opened.Add(messageStore);
        return messageStore;
    }

    internal static EdgeMessage Message(int i, int bodyBytes = 16) =>
        new(Enumerable.Range(0, bodyBytes).Select(b => (byte)(b + i)).ToArray())
        {
            MessageId = $"m{i}",
            Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

    internal static int IndexOf(StoredMessage m) => int.Parse(m.Message.Properties["i"], System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_opened))
        {
            d.Dispose();
        }

        if (_folder.IsValueCreated)
        {
            try
            {
                Directory.Delete(_folder.Value, recursive: true);
            }
            catch (IOException)
            {
                // A store a failing test leaked may still hold files; the OS cleans temp eventually.
            }
        }

        GC.SuppressFinalize(this);
    }
}
