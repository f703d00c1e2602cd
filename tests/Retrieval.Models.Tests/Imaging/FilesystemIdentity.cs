using System.Runtime.InteropServices;

namespace Retrieval.Models.Tests.Imaging;

/// <summary>
/// Runs code with a file-system identity that permission bits apply to. Tests here often run as
/// root, which reads a chmod 000 file and writes a chmod 555 folder regardless. Linux keeps the
/// file-system uid per thread, so a dedicated thread can switch to "nobody" (setfsuid drops root's
/// file-permission override for that thread only) and back, without touching the rest of the process.
/// </summary>
internal static partial class FilesystemIdentity
{
    private const uint Nobody = 65534;

    /// <summary>
    /// Runs <paramref name="action"/> as an unprivileged file-system user; returns false with a reason
    /// when that cannot be arranged here (the caller then skips its check and prints the reason).
    /// </summary>
    public static bool TryRunUnprivileged(Action action, out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "permission checks need Linux here";
            return false;
        }

        if (geteuid() != 0)
        {
            action();
            reason = string.Empty;
            return true;
        }

        Exception? failure = null;
        var switched = false;
        var thread = new Thread(() =>
        {
            setfsuid(Nobody);
            switched = setfsuid(uint.MaxValue) == (int)Nobody; // an invalid uid changes nothing and returns the current one
            try
            {
                if (switched)
                {
                    action();
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                setfsuid(0);
            }
        });
        thread.Start();
        thread.Join();
        if (!switched)
        {
            reason = "running as root and setfsuid could not drop to an unprivileged user, so file permissions do not apply";
            return false;
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        reason = string.Empty;
        return true;
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc")]
    private static partial int setfsuid(uint fsuid);
}
