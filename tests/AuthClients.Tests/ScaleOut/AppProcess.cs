using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Database;

namespace AuthClients.Tests.ScaleOut;

/// <summary>
/// The app as an operator runs it: <c>dotnet AuthClients.Web.dll</c> in its own process, configured
/// through environment variables, on a port of its own on 127.0.0.1. Disposing it kills the process.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote, standard output and error interleaved.</summary>
    public string Output => string.Join('\n', _output);

    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully
        ? _listening.Task.Result
        : throw new InvalidOperationException("The app is not listening yet.");

    /// <summary>The app's build output, next to this test project's (same configuration).</summary>
    public static string WebAssemblyPath
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testOutput.Parent!.Name;
            return Path.Combine(ContentRoot, "bin", configuration, testOutput.Name, "AuthClients.Web.dll");
        }
    }

    /// <summary>The web project folder, the content root <c>dotnet run</c> would use.</summary>
    public static string ContentRoot => Path.Combine(MigrationsTests.RepositoryRoot(), "src", "AuthClients.Web");

    /// <summary>Starts the web server on a free loopback port and waits until it listens (not until it is ready).</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var app = Launch(settings, ["--urls", "http://127.0.0.1:0"]);
        var finished = await Task.WhenAny(app._listening.Task, app._process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (finished != app._listening.Task)
        {
            var output = app.Output;
            await app.DisposeAsync();
            Assert.Fail($"The app did not start listening within {StartTimeout.TotalSeconds} s. Its output:\n{output}");
        }

        return app;
    }

    /// <summary>Runs the app with <paramref name="args"/> (a command, or settings that stop it) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        await using var app = Launch(settings, [.. args, "--urls", "http://127.0.0.1:0"]);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await app._process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The app was expected to exit but still ran after {StartTimeout.TotalSeconds} s. Its output:\n{app.Output}");
        }

        // The exit event can come before the last lines of output have been read.
        app._process.WaitForExit();
        return (app._process.ExitCode, app.Output);
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{BaseAddress} did not become ready. Its output:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static AppProcess Launch(IReadOnlyDictionary<string, string?> settings, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WebAssemblyPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test says: nothing inherited from the test host's own configuration.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process);
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        process.Start();
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

        _output.Enqueue(line);
        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
