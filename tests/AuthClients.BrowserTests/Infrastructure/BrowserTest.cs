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

    public async Task InitializeAsync() => _session = await BrowserSession.StartAsync(chromium, Clock);

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
