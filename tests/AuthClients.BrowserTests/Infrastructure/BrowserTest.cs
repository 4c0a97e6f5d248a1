using Microsoft.Playwright;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>A browser test class: every test gets its own <see cref="BrowserSession"/> (a fresh app and browser context).</summary>
public abstract class BrowserTest(ChromiumFixture chromium) : IAsyncLifetime
{
    private BrowserSession? _session;

    protected BrowserSession Session => _session ?? throw new InvalidOperationException("The session has not started.");

    protected IPage Page => Session.Page;

    public async Task InitializeAsync() => _session = await BrowserSession.StartAsync(chromium);

    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }
}
