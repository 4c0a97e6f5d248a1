using Microsoft.Playwright;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>A browser test class: every test gets its own <see cref="BrowserSession"/> (a fresh app and browser context).</summary>
public abstract class BrowserTest(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly Stack<IAsyncDisposable> _alsoDispose = new();
    private BrowserSession? _session;

    protected BrowserSession Session => _session ?? throw new InvalidOperationException("The session has not started.");

    protected IPage Page => Session.Page;

    /// <summary>The app's clock, for a test that moves time; the system clock when null.</summary>
    protected virtual TimeProvider? Clock => null;

    /// <summary>Settings of the app under test, such as <c>Security:RequireSecondFactor</c>.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>
    /// Browse to http://localhost:port instead of http://127.0.0.1:port: WebAuthn (passkeys) needs a
    /// secure context and a domain as its relying party ID, which an IP address is not.
    /// </summary>
    protected virtual bool ReachAppAsLocalhost => false;

    public async Task InitializeAsync() => _session = await BrowserSession.StartAsync(chromium, Clock, Settings, ReachAppAsLocalhost);

    /// <summary>Something the test started (another app, say) that ends with the test, before the session.</summary>
    protected T DisposeAfterTest<T>(T started) where T : IAsyncDisposable
    {
        _alsoDispose.Push(started);
        return started;
    }

    public async Task DisposeAsync()
    {
        while (_alsoDispose.TryPop(out var started))
        {
            await started.DisposeAsync();
        }

        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }
}
