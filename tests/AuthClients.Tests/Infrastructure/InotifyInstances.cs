namespace AuthClients.Tests.Infrastructure;

/// <summary>
/// The inotify instances this process holds: each is an open file descriptor on
/// <c>anon_inode:inotify</c>. Linux caps them per user (<c>fs.inotify.max_user_instances</c>, 128
/// by default), and every file watcher .NET creates takes one.
/// </summary>
public static class InotifyInstances
{
    /// <summary>Held by this process, or by the process <paramref name="processId"/>.</summary>
    public static int Count(int? processId = null)
    {
        var count = 0;
        foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{processId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "self"}/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget == "anon_inode:inotify")
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Closed between listing and reading: not held any more.
            }
        }

        return count;
    }
}
