using System.Collections.Concurrent;
using System.Net;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthClients.Tests.Shared;

/// <summary>
/// The real application, the one test app of both test projects: on its own new database (a
/// SQLite file, or a PostgreSQL database when <c>AUTHCLIENTS_TEST_PROVIDER=PostgreSql</c>: see
/// <see cref="TestDatabase"/>), with a known first administrator and every log line captured (so
/// tests can prove a secret never reaches the log, or that nothing went wrong on the server side of
/// a page). It watches no files, so many can run at once (tests/Shared/NoFileWatchers.cs).
/// <para>
/// A variant (another environment, settings, services, a database that outlives the app, a real
/// port for a browser) is made one way: with the init options in the object initializer, e.g.
/// <c>new AuthClientsAppFactory { EnvironmentName = "Production", Settings = { ["OAuthServer:Issuer"] = "..." } }</c>.
/// Another instance of the same installation is <c>new AuthClientsAppFactory { Database = app.Database, ... }</c>.
/// </para>
/// </summary>
public sealed class AuthClientsAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.test";
    public const string AdminPassword = "admin-password-for-tests";
    public const string UserPassword = "user-password-for-tests";
    private TestDatabase? _database;
    private bool _ownsDatabase;

    /// <summary>
    /// The database this app runs on: by default a new, empty one on the suite's provider, deleted
    /// when the app is disposed. Set it to one made earlier (<see cref="TestDatabase.Create"/>, or
    /// another app's) to run the same installation again: it outlives this app.
    /// </summary>
    public TestDatabase Database
    {
        get
        {
            if (_database is null)
            {
                _database = TestDatabase.Create();
                _ownsDatabase = true;
            }

            return _database;
        }

        init => _database = value;
    }

    /// <summary>The hosting environment; set it to check behaviour that differs in Production or Development.</summary>
    public string EnvironmentName { get; init; } = "Testing";

    /// <summary>
    /// <c>Bootstrap:AdminPassword</c>; null sets it empty, as on a fresh deployment where the app
    /// generates the first administrator's password and logs it once.
    /// </summary>
    public string? BootstrapPassword { get; init; } = AdminPassword;

    /// <summary>Extra configuration settings (e.g. <c>OAuthServer:AuthorizationCodeLifetime</c>), applied last.</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Test-only services, e.g. an <c>IStartupFilter</c> that adds an endpoint the app does not have.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>
    /// Serve on Kestrel, on a free loopback port a browser can reach (<see cref="BaseUrl"/>), instead
    /// of the in-memory test server. The browser tests need it.
    /// </summary>
    public bool ListenOnLoopback
    {
        get;
        init
        {
            field = value;
            if (value)
            {
                UseKestrel(0);
            }
        }
    }

    /// <summary>Where the app listens with <see cref="ListenOnLoopback"/>, such as <c>http://127.0.0.1:40123</c>; starts it.</summary>
    public string BaseUrl
    {
        get
        {
            if (!ListenOnLoopback)
            {
                throw new InvalidOperationException($"Only an app with {nameof(ListenOnLoopback)} has a URL outside the test.");
            }

            StartServer();
            return Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        }
    }

    /// <summary>Every log line, structured values too.</summary>
    public ConcurrentQueue<string> LogLines { get; } = new();

    /// <summary>The same log, one entry per call, with its level and formatted message.</summary>
    public ConcurrentQueue<CapturedLogEntry> LogEntries { get; } = new();

    /// <summary>Log entries at Error level or above, as "Category: message exception".</summary>
    public IEnumerable<string> LoggedErrors =>
        LogEntries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message} {e.Exception}");

    /// <summary>
    /// The address requests appear to come from. The test server has no network connection, so
    /// without this the app sees no remote address at all. Read on every request.
    /// </summary>
    public IPAddress? RemoteIpAddress { get; set; }

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

    /// <summary>Creates a user directly in the store, for tests whose subject is not the Users pages, and returns its email.</summary>
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
        if (disposing && _database is not null)
        {
            if (_ownsDatabase)
            {
                _database.Dispose();
            }
            else
            {
                // Close pooled connections so the next app on this database starts from what was written.
                _database.ReleaseConnections();
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
