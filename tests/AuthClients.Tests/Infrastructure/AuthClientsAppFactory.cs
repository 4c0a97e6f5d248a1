using System.Collections.Concurrent;
using System.Net;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthClients.Tests.Infrastructure;

/// <summary>
/// The real application over HTTP, on its own new database (a SQLite file, or a PostgreSQL
/// database when <c>AUTHCLIENTS_TEST_PROVIDER=PostgreSql</c>: see <see cref="TestDatabase"/>), with
/// a known first administrator and every log line captured (so tests can prove a secret never
/// reaches the log). It watches no files, so many can run at once (tests/Shared/NoFileWatchers.cs).
/// </summary>
public sealed class AuthClientsAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.test";
    public const string AdminPassword = "admin-password-for-tests";

    private readonly bool _ownsDatabase;

    /// <summary>An app on a new, empty database of its own, deleted when the factory is disposed.</summary>
    public AuthClientsAppFactory()
        : this(TestDatabase.Create(), ownsDatabase: true)
    {
    }

    private AuthClientsAppFactory(TestDatabase database, bool ownsDatabase)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>
    /// An app on the given database (from <see cref="NewDatabasePath"/>), which outlives the
    /// factory: a second factory on the same database is the same installation after a restart.
    /// The caller deletes it (<see cref="DeleteDatabaseFiles"/>).
    /// </summary>
    public static AuthClientsAppFactory OnDatabase(string databasePath) => new(TestDatabase.Open(databasePath), ownsDatabase: false);

    /// <summary>A new, empty database on the suite's provider: a SQLite file path, or the name of a new PostgreSQL database.</summary>
    public static string NewDatabasePath() => TestDatabase.CreateEmpty();

    /// <summary>Deletes a database from <see cref="NewDatabasePath"/> (for SQLite with its write-ahead log and shared-memory files).</summary>
    public static void DeleteDatabaseFiles(string databasePath) => TestDatabase.Open(databasePath).Dispose();

    /// <summary>The database this app runs on: the suite's provider, its connection string, a way to look inside.</summary>
    public TestDatabase Database { get; }

    /// <summary>The SQLite file this app writes to (on PostgreSQL: the database name).</summary>
    public string DatabasePath => Database.Name;

    public ConcurrentQueue<string> LogLines { get; } = new();

    /// <summary>The same log, one entry per call, with its level and formatted message.</summary>
    public ConcurrentQueue<CapturedLogEntry> LogEntries { get; } = new();

    /// <summary>
    /// The address requests appear to come from. The test server has no network connection, so
    /// without this the app sees no remote address at all. Read on every request.
    /// </summary>
    public IPAddress? RemoteIpAddress { get; set; }

    /// <summary>
    /// <c>Bootstrap:AdminPassword</c>; null sets it empty, as on a fresh deployment where the app
    /// generates the first administrator's password and logs it once.
    /// </summary>
    public string? BootstrapPassword { get; init; } = AdminPassword;

    /// <summary>The hosting environment; set it to check behaviour that differs in Production or Development.</summary>
    public string EnvironmentName { get; init; } = "Testing";

    /// <summary>Extra configuration settings (e.g. <c>OAuthServer:AuthorizationCodeLifetime</c>), applied last.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Test-only services, e.g. an <c>IStartupFilter</c> that adds an endpoint the app does not have.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Default", Database.ConnectionString);
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", BootstrapPassword ?? "");

        // No grace period for a spent refresh token, so tests see reuse detection at once.
        builder.UseSetting("OAuthServer:RefreshTokenReuseLeeway", "00:00:00");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter>(new RemoteIpAddressStartupFilter(() => RemoteIpAddress)));
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new CapturingLoggerProvider(LogLines, LogEntries));
            // The app's settings quieten Microsoft.* categories; the capture must still see every line.
            logging.AddFilter<CapturingLoggerProvider>(category: null, LogLevel.Trace);
        });
        if (TestServices is { } testServices)
        {
            builder.ConfigureTestServices(testServices);
        }
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests assert them).</summary>
    public HttpClient CreateBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Creates a user directly in the store (the Users admin pages come later) and returns its email.</summary>
    public async Task<string> CreateUserAsync(
        string? email = null,
        string[]? permissions = null,
        bool superAdmin = false,
        string[]? groupPermissions = null,
        bool active = true)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.test";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var user = new AppUser
        {
            UserName = email,
            Email = email,
            FirstName = "Test",
            LastName = email.Split('@')[0],
            IsSuperAdmin = superAdmin,
            IsActive = active,
            CreatedAt = DateTime.UtcNow,
        };
        var result = await users.CreateAsync(user, UserPassword);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));

        foreach (var permission in permissions ?? [])
        {
            db.UserPermissions.Add(new UserPermission { UserId = user.Id, Permission = permission });
        }

        if (groupPermissions is { Length: > 0 })
        {
            var group = new Group { Name = $"Group {Guid.NewGuid():N}" };
            group.NormalizedName = group.Name.ToUpperInvariant();
            group.Members.Add(new GroupMember { UserId = user.Id });
            foreach (var permission in groupPermissions)
            {
                group.Permissions.Add(new GroupPermission { Permission = permission });
            }

            db.Groups.Add(group);
        }

        await db.SaveChangesAsync();
        return email;
    }

    public const string UserPassword = "user-password-for-tests";

    /// <summary>Runs <paramref name="action"/> against the app's services in a fresh scope.</summary>
    public async Task<T> WithServicesAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task WithServicesAsync(Func<IServiceProvider, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (_ownsDatabase)
            {
                Database.Dispose();
            }
            else
            {
                // Close pooled connections so the next factory on this database starts from what was written.
                Database.ReleaseConnections();
            }
        }
    }
}

/// <summary>Sets the connection's remote address before the app's own pipeline sees the request.</summary>
internal sealed class RemoteIpAddressStartupFilter(Func<IPAddress?> address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (address() is { } ip)
            {
                context.Connection.RemoteIpAddress = ip;
            }

            await nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>One log call as a sink would write it.</summary>
public sealed record CapturedLogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines, ConcurrentQueue<CapturedLogEntry> entries) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines, entries);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines, ConcurrentQueue<CapturedLogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            entries.Enqueue(new CapturedLogEntry(logLevel, category, message, exception));
            lines.Enqueue($"{logLevel} {category}: {message} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                // Structured values too, in case a sink writes them without the message.
                lines.Enqueue(string.Join(" ", values.Select(v => $"{v.Key}={v.Value}")));
            }
        }
    }
}
