using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuthClients.Bench;

/// <summary>What one wrk run measured.</summary>
internal sealed record LoadResult(long Requests, double Seconds, long StatusErrors, long SocketErrors, double P50Ms, double P99Ms, double MaxMs, string Load)
{
    public double PerSecond => Requests / Seconds;

    public bool Clean => StatusErrors == 0 && SocketErrors == 0 && Requests > 0;
}

/// <summary>The CPU time a process has used: the app's own cost of a load run, which other work on the machine changes far less than the rate.</summary>
internal static class AppCpu
{
    /// <summary>utime + stime of /proc/&lt;pid&gt;/stat (fields 14 and 15, in clock ticks of 1/100 s), read directly.</summary>
    public static TimeSpan Of(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromMilliseconds(10 * (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The CPU time of every PostgreSQL server process on the machine (by name: the bench's own server
    /// when it runs one, and any other), whose share of a grant's cost the app's own figure leaves out.
    /// A backend that exits takes its time with it; the app's pooled connections stay for the run.
    /// </summary>
    public static TimeSpan OfPostgreSqlServers()
    {
        var total = TimeSpan.Zero;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var processId) && IsPostgreSql(folder))
            {
                try
                {
                    total += Of(processId);
                }
                catch (IOException)
                {
                    // gone meanwhile
                }
            }
        }

        return total;

        static bool IsPostgreSql(string folder)
        {
            try
            {
                return File.ReadAllText(Path.Combine(folder, "comm")).TrimEnd() == "postgres";
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>Runs <paramref name="run"/> and returns its result with the app's CPU milliseconds per answer.</summary>
    public static async Task<(LoadResult Result, double MsPerAnswer)> PerAnswerAsync(int processId, Func<Task<LoadResult>> run)
    {
        var before = Of(processId);
        var result = await run();
        return (result, (Of(processId) - before).TotalMilliseconds / Math.Max(1, result.Requests));
    }
}

internal static partial class Wrk
{
    /// <summary>Runs wrk with 2 threads and <paramref name="connections"/> keep-alive connections for <paramref name="seconds"/> (issue 6's settings).</summary>
    public static Task<LoadResult> RunAsync(string script, Uri url, int connections, int seconds, params string[] scriptArgs) =>
        RunAsync(2, script, url, connections, seconds, scriptArgs);

    /// <summary>As <see cref="RunAsync(string, Uri, int, int, string[])"/> with one wrk thread (issue 16's settings, and a script's queue is per thread).</summary>
    public static Task<LoadResult> RunOneThreadAsync(string script, Uri url, int connections, int seconds, params string[] scriptArgs) =>
        RunAsync(1, script, url, connections, seconds, scriptArgs);

    private static async Task<LoadResult> RunAsync(int threads, string script, Uri url, int connections, int seconds, string[] scriptArgs)
    {
        // In the scripts' folder: their require("result") looks there.
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(script) };
        foreach (var arg in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--timeout", "5s", "-s", script, url.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        if (scriptArgs.Length > 0)
        {
            info.ArgumentList.Add("--");
            foreach (var arg in scriptArgs)
            {
                info.ArgumentList.Add(arg);
            }
        }

        var loadBefore = LoadAverage();
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = ResultLine().Match(output);
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk printed no result: {output} {errors}");
        }

        long Value(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        return new LoadResult(Value("requests"), Value("duration") / 1e6, Value("status"), Value("socket"),
            Value("p50") / 1000.0, Value("p99") / 1000.0, Value("max") / 1000.0, $"{loadBefore} -> {LoadAverage()}");
    }

    /// <summary>The 1-minute load average, as uptime prints it.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    [GeneratedRegex(@"RESULT requests=(?<requests>\d+) duration_us=(?<duration>\d+) status_errors=(?<status>\d+) socket_errors=(?<socket>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+) max_us=(?<max>\d+)")]
    private static partial Regex ResultLine();
}

/// <summary>Requests an admin makes: sign in once, then time pages one after another.</summary>
internal static partial class AdminPages
{
    public static async Task<HttpClient> SignInAsync(Uri baseAddress)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        var page = await http.GetStringAsync("account/login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent([
            new("Email", BenchAdmin.Email),
            new("Password", BenchAdmin.Password),
            new("__RequestVerificationToken", WebUtility.HtmlDecode(token)),
        ]);
        var response = await http.PostAsync("account/login", form);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in failed: {(int)response.StatusCode}.");
        }

        return http;
    }

    /// <summary>
    /// Round-trip times of <paramref name="count"/> sequential GETs after <paramref name="warmUp"/>
    /// untimed ones, in milliseconds (sorted). A page far over its target stops once 60 s have passed
    /// with at least 3 warm-up and 20 timed requests (fewer times come back), so a slow page at a
    /// million clients cannot hold the run for half an hour.
    /// </summary>
    public static async Task<double[]> TimeAsync(HttpClient http, string path, string mustContain, int warmUp, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var i = 0; i < warmUp && (i < 3 || DateTime.UtcNow < deadline); i++)
        {
            await GetAsync(http, path, mustContain);
        }

        var times = new List<double>(count);
        while (times.Count < count && (times.Count < 20 || DateTime.UtcNow < deadline))
        {
            times.Add(await GetAsync(http, path, mustContain));
        }

        times.Sort();
        return [.. times];
    }

    private static async Task<double> GetAsync(HttpClient http, string path, string mustContain)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains(mustContain, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} without '{mustContain}'.");
        }

        return elapsed;
    }

    /// <summary>The target of the page's Next link, relative to the app's base address.</summary>
    public static async Task<string> NextLinkAsync(HttpClient http, string path)
    {
        var page = await http.GetStringAsync(path);
        var link = NextLink().Match(page);
        return link.Success
            ? WebUtility.HtmlDecode(link.Groups[1].Value).TrimStart('/')
            : throw new InvalidOperationException($"GET {path} has no Next link.");
    }

    public static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The name and value of each hidden input of a page's forms (the anti-forgery token among them), decoded.</summary>
    public static IEnumerable<KeyValuePair<string, string>> HiddenFields(string page) =>
        HiddenInput().Matches(page)
            .Select(input => (Name: Attribute(input.Value, "name"), Value: Attribute(input.Value, "value")))
            .Where(field => field.Name is not null)
            .Select(field => new KeyValuePair<string, string>(WebUtility.HtmlDecode(field.Name!), WebUtility.HtmlDecode(field.Value ?? "")));

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"") is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("<a class=\"page-link\" href=\"([^\"]+)\">Next</a>")]
    private static partial Regex NextLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInput();
}

internal static class Tokens
{
    public static async Task<string?> RequestAsync(HttpClient http, BenchClient client)
    {
        using var form = new FormUrlEncodedContent([
            new("grant_type", "client_credentials"), new("client_id", client.ClientId), new("client_secret", client.Secret)]);
        using var response = await http.PostAsync("connect/token", form);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString();
    }
}

/// <summary>The CPU cost of the cryptography on one core: the floor under one token.</summary>
internal static class CryptoFloor
{
    public static IReadOnlyList<(string What, double Microseconds)> Measure()
    {
        var header = "{\"alg\":\"ES256\",\"kid\":\"0123456789abcdef\",\"typ\":\"at+jwt\"}";
        var payload = "{\"iss\":\"http://127.0.0.1:5000/\",\"exp\":1795795245,\"iat\":1795791645,\"aud\":\"authclients-api\",\"jti\":\"3b08f497-da5c-4dd1-ae70-d3005580e59f\",\"sub\":\"1\",\"name\":\"Load test client\",\"sub_kind\":\"client\",\"client_id\":\"1\"}";
        var data = System.Text.Encoding.UTF8.GetBytes(header + "." + payload);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var ecSignature = ecdsa.SignData(data, HashAlgorithmName.SHA256);
        var rsaSignature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var key = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(16);
        return
        [
            ("ES256 sign (ECDSA P-256)", Time(2000, () => ecdsa.SignData(data, HashAlgorithmName.SHA256))),
            ("ES256 verify", Time(2000, () => ecdsa.VerifyData(data, ecSignature, HashAlgorithmName.SHA256))),
            ("RS256 sign (RSA 2048)", Time(300, () => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))),
            ("RS256 verify", Time(5000, () => rsa.VerifyData(data, rsaSignature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))),
            ("HMAC-SHA256 of a secret", Time(50_000, () => HMACSHA256.HashData(key, salt))),
            ("PBKDF2-SHA256, 10,000 iterations", Time(60, () => Rfc2898DeriveBytes.Pbkdf2(key, salt, 10_000, HashAlgorithmName.SHA256, 32))),
        ];
    }

    private static double Time(int iterations, Action action)
    {
        for (var i = 0; i < Math.Max(10, iterations / 10); i++)
        {
            action();
        }

        // The best of three rounds: the machine is shared, the floor is what the CPU can do.
        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < iterations; i++)
            {
                action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMicroseconds / iterations);
        }

        return best;
    }
}

/// <summary>How the report writes its figures.</summary>
internal static class Figures
{
    public static string Rate(LoadResult r) => r.Clean ? r.PerSecond.ToString("N0", CultureInfo.InvariantCulture) : $"{r.PerSecond.ToString("N0", CultureInfo.InvariantCulture)} ({r.StatusErrors} bad answers, {r.SocketErrors} socket errors)";

    public static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}
