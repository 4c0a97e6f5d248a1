using System.Collections.Concurrent;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>
/// One test's world: a fresh app on a real loopback port (empty database, so the first client is number 1) and a fresh
/// browser context that may use the clipboard. Everything a page complains about (console
/// errors, uncaught exceptions, Content Security Policy violations) is collected in
/// <see cref="PageProblems"/>.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    // Runs in every document before the page's own scripts. CSP does not apply to it (it is
    // injected by the browser driver), so it can report violations of the page's policy.
    private const string ReportCspViolations = """
        document.addEventListener('securitypolicyviolation', (e) =>
            window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    private readonly ConcurrentQueue<string> _problems = new();

    private BrowserSession(AuthClientsAppFactory app, IBrowserContext context, IPage page)
    {
        App = app;
        Context = context;
        Page = page;
    }

    public AuthClientsAppFactory App { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyCollection<string> PageProblems => _problems;

    /// <param name="clock">The app's clock when the test moves time itself (a <c>FakeTimeProvider</c>); the
    /// flush of last-used times and activity then runs only when the test calls it.</param>
    /// <param name="settings">Further settings of the app.</param>
    /// <param name="viaLocalhost">Browse to the app as http://localhost:port (the passkey tests need a domain, not an IP address).</param>
    public static async Task<BrowserSession> StartAsync(
        ChromiumFixture chromium,
        TimeProvider? clock = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool viaLocalhost = false)
    {
        var app = new AuthClientsAppFactory
        {
            ListenOnLoopback = true,
            // Last-used times reach the page within a second of a token request (30 s by default).
            Settings = { ["AuthClients:Credentials:LastUsedFlushInterval"] = "00:00:01" },
            TestServices = clock is null ? null : services => services.AddSingleton(clock),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            app.Settings[key] = value;
        }

        try
        {
            var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = viaLocalhost ? app.BaseUrl.Replace("://127.0.0.1:", "://localhost:", StringComparison.Ordinal) : app.BaseUrl,
                Permissions = ["clipboard-read", "clipboard-write"],
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                Locale = "en-US",
            });
            context.SetDefaultTimeout(30_000);
            var session = new BrowserSession(app, context, await context.NewPageAsync());
            await session.WatchForProblemsAsync();
            return session;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private async Task WatchForProblemsAsync()
    {
        await Context.ExposeFunctionAsync<string>("reportCspViolation", violation => _problems.Enqueue($"CSP violation on {Page.Url}: {violation}"));
        await Context.AddInitScriptAsync(ReportCspViolations);
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _problems.Enqueue($"Console error on {Page.Url}: {message.Text}");
            }
        };
        Page.PageError += (_, error) => _problems.Enqueue($"Uncaught script error on {Page.Url}: {error}");
    }

    /// <summary>Waits up to ten seconds for a reported problem that contains <paramref name="text"/>.</summary>
    public async Task<bool> WaitForProblemAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_problems.Any(p => p.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    /// <summary>What a program holding <paramref name="secret"/> gets from the token endpoint (client credentials, through Duende.IdentityModel).</summary>
    public async Task<TokenResponse> RequestClientTokenAsync(string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        return await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = clientId,
            ClientSecret = secret,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await App.DisposeAsync();
    }
}
