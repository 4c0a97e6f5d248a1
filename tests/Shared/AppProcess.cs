using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AuthClients.Tests.Shared;

/// <summary>
/// How to run the app in a process of its own: which build, which content root, in which
/// environment, with which settings (as environment variables), on which loopback port.
/// </summary>
internal sealed record AppLaunch(string AssemblyPath, string ContentRoot)
{
    public string EnvironmentName { get; init; } = "Testing";

    /// <summary>Configuration keys (<c>OAuthServer:Issuer</c>) and values, passed as environment variables.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The port on 127.0.0.1; 0 (the default) lets the system choose a free one.</summary>
    public int Port { get; init; }

    /// <summary>A file the output is appended to (the bench); without one it is kept in <see cref="AppProcess.Output"/>.</summary>
    public string? LogPath { get; init; }

    /// <summary>The app built next to the running test project (same configuration), in its project folder as <c>dotnet run</c> would.</summary>
    public static AppLaunch Build(IReadOnlyDictionary<string, string?> settings)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        var project = Path.Combine(Repository.Root(), "src", "AuthClients.Web");
        return new AppLaunch(Path.Combine(project, "bin", configuration, testOutput.Name, "AuthClients.Web.dll"), project) { Settings = settings };
    }

    /// <summary>A published app (<c>dotnet publish -o <paramref name="folder"/></c>), run in its own folder.</summary>
    public static AppLaunch Published(string folder) => new(Path.Combine(folder, "AuthClients.Web.dll"), folder);
}

/// <summary>
/// The app as an operator runs it: <c>dotnet AuthClients.Web.dll</c> in its own process, configured
/// through environment variables only, on 127.0.0.1. Used by the tests that need a real process
/// (scale-out, start-up commands) and by the bench driver (bench/run.sh). Disposing it kills the
/// process; so does the end of the process that started it.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly StreamWriter? _log;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static AppProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private AppProcess(Process process, StreamWriter? log)
    {
        _process = process;
        _log = log;
    }

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>When the process was started: cold start is measured from here.</summary>
    public DateTime StartedAt { get; private set; }

    /// <summary>Everything the process wrote, standard output and error interleaved (unless it goes to a log file).</summary>
    public string Output => _log is null ? string.Join('\n', _output) : "(written to the log file)";

    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully
        ? _listening.Task.Result
        : throw new InvalidOperationException("The app is not listening yet.");

    /// <summary>Starts the app built next to the tests, on a free loopback port, and waits until it listens.</summary>
    public static Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> settings) => StartAsync(AppLaunch.Build(settings));

    /// <summary>Starts the web server and waits until it listens (not until it is ready: <see cref="WaitUntilReadyAsync"/>).</summary>
    public static async Task<AppProcess> StartAsync(AppLaunch launch)
    {
        var app = Launch(launch, []);
        var finished = await Task.WhenAny(app._listening.Task, app._process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != app._listening.Task)
        {
            var output = app.Output;
            await app.DisposeAsync();
            throw new TimeoutException($"The app did not start listening within {StartTimeout.TotalSeconds} s. Its output:\n{output}");
        }

        return app;
    }

    /// <summary>Runs the app built next to the tests with <paramref name="args"/> (a command, or settings that stop it) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        await using var app = Launch(AppLaunch.Build(settings), args);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await app._process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The app was expected to exit but still ran after {StartTimeout.TotalSeconds} s. Its output:\n{app.Output}");
        }

        // The exit event can come before the last lines of output have been read.
        app._process.WaitForExit();
        return (app._process.ExitCode, app.Output);
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200.</summary>
    public Task WaitUntilReadyAsync() =>
        WaitUntilAsync(async http =>
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }, StartTimeout, TimeSpan.FromMilliseconds(250));

    /// <summary>
    /// Asks <paramref name="ready"/> every <paramref name="interval"/> until it says yes; fails when
    /// the process stops or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitUntilAsync(Func<HttpClient, Task<bool>> ready, TimeSpan timeout, TimeSpan interval)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app stopped (exit code {_process.ExitCode}). Its output:\n{Output}");
            }

            try
            {
                if (await ready(http))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(interval);
        }

        throw new TimeoutException($"{BaseAddress} was not ready within {timeout.TotalSeconds} s. Its output:\n{Output}");
    }

    /// <summary>Resident set size of the process, from /proc (Linux); 0 once it is gone.</summary>
    public long ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_process);
        await _process.WaitForExitAsync();
        Release();
    }

    public void Dispose()
    {
        Stop(_process);
        _process.WaitForExit(10_000);
        Release();
    }

    private void Release()
    {
        _process.Dispose();
        if (_log is not null)
        {
            lock (_log)
            {
                _log.Dispose();
            }
        }
    }

    private static AppProcess Launch(AppLaunch launch, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = launch.ContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(launch.AssemblyPath);
        foreach (var arg in args.Concat(["--urls", $"http://127.0.0.1:{launch.Port}"]))
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the caller says: nothing inherited from the starting process's own configuration.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = launch.EnvironmentName;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in launch.Settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var log = launch.LogPath is null ? null : new StreamWriter(launch.LogPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process, log);
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        app.StartedAt = DateTime.UtcNow;
        process.Start();
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (_log is null)
        {
            _output.Enqueue(line);
        }
        else
        {
            lock (_log)
            {
                try
                {
                    _log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            Running.TryRemove(process.Id, out _);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            Stop(process);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
