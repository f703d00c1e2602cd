namespace Retrieval.Models.Imaging;

/// <summary>
/// Makes libvips error text belong to the call that failed. libvips 8.18 keeps ONE error buffer for
/// the whole process (iofuncs/error.c: a static buffer that vips_error appends to under a global
/// lock), not one per thread, and successful calls write to it too (the HEIF loader logs "bad seek"
/// lines while probing). Text read after a failure on one thread can therefore hold another thread's
/// messages, or have been cleared by another thread already.
/// <para>
/// So every libvips operation runs through <see cref="Run{T}"/>: normally in shared mode, many threads
/// at once, where error text is never read. When an operation fails in shared mode (it calls
/// <see cref="FailureText"/>), the whole operation is run again in exclusive mode: new shared callers
/// wait, running ones finish, the buffer is cleared, and the text read after the second failure is
/// that operation's alone. Decoding is deterministic, so the second attempt fails the same way;
/// failures are rare (corrupt files), so the cost is one extra attempt and a short pause then.
/// </para>
/// Operations must be safe to repeat and must not swallow exceptions they do not own.
/// </summary>
internal static class VipsCallGate
{
    private static readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);

    [ThreadStatic]
    private static Mode current;

    private enum Mode
    {
        None = 0,
        Shared = 1,
        Exclusive = 2,
    }

    /// <summary>True while this thread is inside the exclusive retry; for tests.</summary>
    internal static bool IsExclusive => current == Mode.Exclusive;

    /// <summary>Runs <paramref name="operation"/> under the gate; nested calls run inside the outer call's mode.</summary>
    public static T Run<T>(Func<T> operation)
    {
        if (current != Mode.None)
        {
            return operation();
        }

        VipsNative.EnsureInitialized();
        Lock.EnterReadLock();
        current = Mode.Shared;
        try
        {
            return operation();
        }
        catch (RetryExclusivelyException)
        {
            // Fall through to the exclusive attempt, outside the read lock.
        }
        finally
        {
            current = Mode.None;
            Lock.ExitReadLock();
        }

        return RunExclusive(operation);
    }

    /// <summary>Runs <paramref name="operation"/> with no other libvips call in flight and a clean error buffer.</summary>
    public static T RunExclusive<T>(Func<T> operation)
    {
        if (current == Mode.Exclusive)
        {
            return operation();
        }

        if (current == Mode.Shared)
        {
            throw new InvalidOperationException("An exclusive libvips section cannot start inside a shared one.");
        }

        VipsNative.EnsureInitialized();
        Lock.EnterWriteLock();
        current = Mode.Exclusive;
        try
        {
            VipsNative.vips_error_clear();
            return operation();
        }
        finally
        {
            VipsNative.vips_error_clear();
            current = Mode.None;
            Lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Called right after a libvips call reported failure. In shared mode it abandons the operation
    /// (to be retried exclusively); in exclusive mode, or outside the gate, it returns the cleaned
    /// error text for the caller's typed exception.
    /// </summary>
    public static string FailureText()
    {
        if (current == Mode.Shared)
        {
            throw new RetryExclusivelyException();
        }

        return Clean(VipsNative.TakeErrorBuffer());
    }

    /// <summary>One line: probing noise removed, repeats dropped, length capped.</summary>
    internal static string Clean(string buffer)
    {
        var lines = buffer
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains("bad seek to", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var text = string.Join("; ", lines);
        const int MaxLength = 400;
        if (text.Length > MaxLength)
        {
            text = string.Concat(text.AsSpan(0, MaxLength), "...");
        }

        return text.Length == 0 ? "libvips gave no reason" : text;
    }

    /// <summary>Signals the gate to repeat the operation exclusively; never escapes <see cref="Run{T}"/>.</summary>
    private sealed class RetryExclusivelyException : Exception
    {
        public RetryExclusivelyException()
            : base("A libvips call failed in shared mode; the operation is repeated exclusively to read its error.")
        {
        }
    }
}
