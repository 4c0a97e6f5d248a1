using System.Runtime.CompilerServices;

namespace AuthClients.Tests.Shared;

/// <summary>
/// Every app a test starts, in this process or as a child process, watches no files.
/// <para>
/// Linux allows a user 128 inotify instances (<c>fs.inotify.max_user_instances</c>), and each
/// <see cref="Microsoft.Extensions.FileProviders.PhysicalFileProvider"/> that is asked to watch
/// takes one until its app is disposed: the content root as soon as the host adds appsettings
/// files with reload on change, and wwwroot as soon as a page renders <c>asp-append-version</c>.
/// With dozens of apps alive at once the suite hit the limit ("The configured user limit (128) on
/// the number of inotify instances has been reached"). Turning off
/// <c>hostBuilder:reloadConfigOnChange</c> alone (through <c>UseSetting</c> in a factory) leaves the
/// wwwroot watch, so both switches are set here as environment variables, before any host is
/// built: the host reads <c>DOTNET_</c> variables ahead of the JSON files, every
/// <c>PhysicalFileProvider</c> reads <c>DOTNET_USE_POLLING_FILE_WATCHER</c> when created, and
/// child processes inherit them. Tests/Hosting/FileWatcherTests proves it.
/// </para>
/// </summary>
internal static class NoFileWatchers
{
    [ModuleInitializer]
    internal static void Apply()
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");

        // Checked by polling (every 4 s, only for what something watches) instead of by inotify.
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }
}
