using System.Diagnostics;
using Npgsql;

namespace AuthClients.Tests.Shared;

/// <summary>
/// A PostgreSQL server of one test's own, which the test may stop and start again (an outage, a
/// restart, a failover) without touching the cluster other tests share. It is a new cluster in a
/// temporary folder, from the binaries build/test.sh installs (the newest /usr/lib/postgresql/*/bin),
/// listening on a Unix socket in that folder only: no TCP port to find or collide on. As root the
/// server runs as the postgres user (postgres refuses root), otherwise as the current user.
/// Disposing it stops the server and deletes the folder.
/// </summary>
internal sealed class OwnPostgresServer : IAsyncDisposable
{
    private const string BinariesPattern = "/usr/lib/postgresql";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binaries;
    private readonly string _folder;

    private OwnPostgresServer(string binaries, string folder)
    {
        _binaries = binaries;
        _folder = folder;
    }

    /// <summary>The maintenance connection string: the socket folder as host, the postgres superuser.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder { Host = _folder, Username = "postgres", Database = "postgres" }.ConnectionString;

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>A new cluster, started and accepting connections.</summary>
    public static async Task<OwnPostgresServer> StartAsync()
    {
        var binaries = FindBinaries();

        // As root the server's user must reach the folder: not root's own TMPDIR, the shared /tmp.
        var parent = IsRoot ? "/tmp" : Path.GetTempPath();
        var folder = Path.Combine(parent, $"authclients-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", folder], asPostgres: false);
        }

        var server = new OwnPostgresServer(binaries, folder);
        await server.RunToolAsync("initdb", "-D", server.DataFolder, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Stops the server the way a crash or a kill does (<c>pg_ctl -m immediate</c>): no goodbye to the clients.</summary>
    public Task StopAsync() => RunToolAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop");

    /// <summary>Starts the stopped server on the same data, and waits until it accepts connections.</summary>
    public Task StartAgainAsync() =>
        RunToolAsync("pg_ctl", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses='' -k {_folder} -c max_connections=100", "start");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunToolAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped (a test that failed while the server was down).
        }

        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Task RunToolAsync(string tool, params string[] arguments) => RunAsync(Path.Combine(_binaries, tool), arguments, asPostgres: IsRoot);

    private static bool IsRoot => Environment.UserName == "root";

    private static string FindBinaries() =>
        (Directory.Exists(BinariesPattern) ? Directory.GetDirectories(BinariesPattern) : [])
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
            .OrderBy(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .LastOrDefault()
        ?? throw new InvalidOperationException(
            $"No PostgreSQL server binaries under {BinariesPattern}/*/bin: these tests start a server of their own. " +
            "Install them (apt-get install postgresql), as build/test.sh does.");

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
        }
    }
}
