using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeModule.Storage.Bench;

/// <summary>
/// What the kernel charges for memory a process writes for the first time (page faults and zeroing), measured on
/// anonymous memory outside the GC heap: the floor under any store that keeps the bytes of a million fresh values.
/// </summary>
internal readonly record struct FirstTouch(long Bytes, double Milliseconds, double WarmMilliseconds)
{
    public double NanosecondsPerPut(int puts) => Milliseconds * 1e6 / puts;

    public static unsafe FirstTouch Measure(long bytes)
    {
        var memory = (byte*)NativeMemory.Alloc((nuint)bytes);
        try
        {
            var cold = Touch(memory, bytes);
            var warm = Touch(memory, bytes);
            return new FirstTouch(bytes, cold, warm);
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    private static unsafe double Touch(byte* memory, long bytes)
    {
        var stopwatch = Stopwatch.StartNew();
        for (long offset = 0; offset < bytes; offset += 4096)
        {
            memory[offset]++;
        }

        return stopwatch.Elapsed.TotalMilliseconds;
    }
}
