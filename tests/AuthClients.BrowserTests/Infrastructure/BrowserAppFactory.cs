using AuthClients.Web.Connect;
using System.Collections.Concurrent;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>
/// The real application on Kestrel, on a free loopback port a browser can reach, with its own
/// SQLite file and a known first administrator. Errors the app logs are kept so tests can
/// assert that nothing went wrong on the server side of a page. It watches no files
/// (tests/Shared/NoFileWatchers.cs).
/// </summary>
public sealed class BrowserAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.test";
    public const string AdminPassword = "admin-password-for-browser-tests";

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"authclients-browser-{Guid.NewGuid():N}.db");

    public BrowserAppFactory()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    /// <summary>Where the app listens, such as <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Log entries at Error level or above, as "Category: message".</summary>
    public ConcurrentQueue<string> LoggedErrors { get; } = new();

    /// <summary>Registers a client as the Auth Clients page would, and returns its Client ID and secret (null for a public client).</summary>
    public async Task<(string ClientId, string? Secret)> CreateClientAsync(AuthClientSettings settings)
    {
        await using var scope = Services.CreateAsyncScope();
        var (result, secret) = await scope.ServiceProvider.GetRequiredService<AuthClientCommands>().CreateAsync(settings, actorId: null, OAuthScopes.Api.ToHashSet());
        if (result.Status != ChangeStatus.Saved)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors?.Select(e => e.Value) ?? []));
        }

        return ((await scope.ServiceProvider.GetRequiredService<AuthClientQueries>().GetClientIdAsync(result.Id!))!, secret);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={_databasePath}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.ConfigureLogging(logging => logging.AddProvider(new ErrorCollectingLoggerProvider(LoggedErrors)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_databasePath + suffix);
            }
        }
    }

    private sealed class ErrorCollectingLoggerProvider(ConcurrentQueue<string> errors) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ErrorCollectingLogger(categoryName, errors);

        public void Dispose()
        {
        }

        private sealed class ErrorCollectingLogger(string category, ConcurrentQueue<string> errors) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
                }
            }
        }
    }
}
