using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Format;

/// <summary>
/// Reads a file front to back on its own thread, a few large chunks ahead of the consumer, so that the copy out of the
/// page cache (or the wait for the disk) overlaps with checking and applying what was read before. Chunks come out in
/// file order; the consumer gives each back once it is done with it. Three chunks circulate: one being consumed and
/// up to two read ahead.
/// </summary>
/// <remarks>
/// Each chunk leaves <see cref="Headroom"/> bytes free in front of its data, so the consumer can copy the unread tail
/// of the previous chunk (a frame split across the boundary) there and keep reading in one piece.
/// </remarks>
internal sealed class FileReadAhead : IDisposable
{
    /// <summary>Space kept free in front of each chunk's data for the tail of the previous chunk.</summary>
    public const int Headroom = 64 << 10;

    private const int ChunkCount = 3;

    private readonly SafeFileHandle _handle;
    private readonly long _fileLength;
    private readonly byte[][] _chunks;
    private readonly BlockingCollection<byte[]> _free = new(ChunkCount);
    private readonly BlockingCollection<Chunk> _full = new(ChunkCount);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private Exception? _failure;

    /// <summary>
    /// Starts reading <paramref name="handle"/> from <paramref name="startOffset"/> to <paramref name="fileLength"/>
    /// in chunks of about <paramref name="chunkSize"/> bytes. A file that fits in one chunk is read at once, on the
    /// calling thread: a thread of its own would cost more than it saves.
    /// </summary>
    public FileReadAhead(SafeFileHandle handle, long startOffset, long fileLength, int chunkSize)
    {
        _handle = handle;
        _fileLength = fileLength;
        var single = fileLength - startOffset <= chunkSize - Headroom;
        _chunks = new byte[single ? 1 : ChunkCount][];
        for (var i = 0; i < _chunks.Length; i++)
        {
            _chunks[i] = ArrayPool<byte>.Shared.Rent(single ? (int)(fileLength - startOffset) + Headroom : Math.Max(chunkSize, 2 * Headroom));
            _free.Add(_chunks[i]);
        }

        if (single)
        {
            ReadAll(startOffset);
            _reader = Task.CompletedTask;
        }
        else
        {
            _reader = Task.Factory.StartNew(() => ReadAll(startOffset), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The next chunk in file order, waiting for it if needed; null once the file was read to its end. A read error,
    /// or a file that became shorter, is thrown here as an <see cref="IOException"/>.
    /// </summary>
    public Chunk? Take()
    {
        if (_full.TryTake(out var chunk, Timeout.Infinite))
        {
            return chunk;
        }

        // Adding completed: the end of the file, or a failure (seen once the reading has finished).
        _reader.Wait(CancellationToken.None);
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }

        return null;
    }

    /// <summary>Gives a chunk's buffer back to be filled again.</summary>
    public void Return(byte[] buffer) => _free.Add(buffer);

    public void Dispose()
    {
        // Stop the thread and wait for it before the buffers go back to the pool: it may be reading into one.
        _stop.Cancel();
        _reader.Wait(CancellationToken.None);

        foreach (var chunk in _chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        _free.Dispose();
        _full.Dispose();
        _stop.Dispose();
    }

    private void ReadAll(long offset)
    {
        try
        {
            while (offset < _fileLength)
            {
                var buffer = _free.Take(_stop.Token);
                var length = (int)Math.Min(buffer.Length - Headroom, _fileLength - offset);
                var target = buffer.AsSpan(Headroom, length);
                for (var done = 0; done < length;)
                {
                    var read = RandomAccess.Read(_handle, target[done..], offset + done);
                    if (read == 0)
                    {
                        throw new EndOfStreamException("The backup file became shorter while it was being read.");
                    }

                    done += read;
                }

                _full.Add(new Chunk(buffer, length, offset), _stop.Token);
                offset += length;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed before the end: nobody is waiting for more.
        }
        catch (Exception ex)
        {
            // Reported by Take once the chunks before the failure have been consumed.
            _failure = ex;
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    /// <summary>A buffer holding <see cref="Length"/> bytes of the file from <see cref="FileOffset"/>, starting at <see cref="Headroom"/>.</summary>
    internal readonly record struct Chunk(byte[] Buffer, int Length, long FileOffset);
}
