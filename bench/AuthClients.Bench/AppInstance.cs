using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AuthClients.Bench;

/// <summary>One process of the published app on a loopback port, killed when disposed or when the driver exits.</summary>
internal sealed class AppInstance : IDisposable
{
    public const string AdminEmail = "bench-admin@example.test";
    public const string AdminPassword = "bench-admin-password-42";

    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly StreamWriter _log;

    static AppInstance()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private AppInstance(Process process, StreamWriter log, Uri baseAddress, DateTime startedAt)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        StartedAt = startedAt;
    }

    public Uri BaseAddress { get; }

    public DateTime StartedAt { get; }

    public static AppInstance Start(string appDirectory, string databasePath, bool baseline, string logPath)
    {
        var port = FreeLoopbackPort();
        var info = new ProcessStartInfo("dotnet", Path.Combine(appDirectory, "AuthClients.Web.dll"))
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ConnectionStrings__Default"] = $"Data Source={databasePath}";
        info.Environment["Database__Provider"] = "Sqlite";
        info.Environment["OAuthServer__RequireHttps"] = "false";
        info.Environment["OAuthServer__Issuer"] = $"http://127.0.0.1:{port}/"; // required outside Development
        info.Environment["OAuthServer__Performance__Baseline"] = baseline ? "true" : "false";
        info.Environment["Bootstrap__AdminEmail"] = AdminEmail;
        info.Environment["Bootstrap__AdminPassword"] = AdminPassword;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var startedAt = DateTime.UtcNow;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app.");
        Running[process.Id] = process;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppInstance(process, log, new Uri($"http://127.0.0.1:{port}/"), startedAt);
    }

    /// <summary>Resident set size of the app process, from /proc.</summary>
    public long ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public async Task WaitUntilAsync(Func<HttpClient, Task<bool>> ready, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app stopped (exit code {_process.ExitCode}); see its log.");
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

            await Task.Delay(10);
        }

        throw new TimeoutException($"The app at {BaseAddress} was not ready within {timeout.TotalSeconds} s.");
    }

    public void Dispose()
    {
        Stop(_process);
        _log.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static void Stop(Process process)
    {
        Running.TryRemove(process.Id, out _);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            Stop(process);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
