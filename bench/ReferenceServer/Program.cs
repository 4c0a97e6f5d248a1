using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

// An OpenIddict server as OpenIddict's own samples write one (Aridka for client credentials, the
// password and refresh-token samples for the rest), with OpenIddict's defaults: its Entity Framework
// Core stores, every token stored, client secrets hashed by its application manager, refresh tokens
// rotated, a reused one revoking its authorization. Nothing of AuthClients is in it: bench/run.sh
// --reference loads it next to the app, on the same database engine, with the same wrk scripts.
//
// Settings (environment variables, as the bench passes them): Database__Provider (Sqlite or
// PostgreSql), ConnectionStrings__Default, Reference__Clients (how many confidential clients to add
// at start: reference-client-N with secret reference-secret-N).
var builder = WebApplication.CreateBuilder(args);
var provider = builder.Configuration["Database:Provider"] ?? "Sqlite";
var connectionString = builder.Configuration.GetConnectionString("Default")
    ?? throw new InvalidOperationException("ConnectionStrings:Default is required.");

builder.Services.AddDbContext<ReferenceDbContext>(options =>
{
    _ = provider == "PostgreSql" ? options.UseNpgsql(connectionString) : options.UseSqlite(connectionString);
    options.UseOpenIddict();
});

builder.Services.AddOpenIddict()
    .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ReferenceDbContext>())
    .AddServer(options =>
    {
        options.SetTokenEndpointUris("connect/token")
            .SetConfigurationEndpointUris(".well-known/openid-configuration");
        options.AllowClientCredentialsFlow().AllowPasswordFlow().AllowRefreshTokenFlow();
        options.RegisterScopes(Scopes.OfflineAccess);

        // The samples use development certificates; ephemeral keys are the same RSA keys without
        // the certificate store.
        options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
        options.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
    });

builder.Services.AddHostedService<ClientSeeder>();

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<ReferenceDbContext>().Database.EnsureCreatedAsync();
}

app.MapPost("connect/token", Exchange);
await app.RunAsync();

// The token endpoint's pass-through action, as in the samples' AuthorizationController.Exchange.
static async Task<IResult> Exchange(HttpContext context, IOpenIddictApplicationManager applications)
{
    var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
    ClaimsIdentity identity;
    if (request.IsClientCredentialsGrantType())
    {
        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("The application cannot be found.");
        identity = NewIdentity();
        identity.SetClaim(Claims.Subject, await applications.GetClientIdAsync(application))
            .SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application));
    }
    else if (request.IsPasswordGrantType())
    {
        // One user, known to the bench: the samples ask ASP.NET Core Identity here.
        if (request.Username != ReferenceUser.Name || request.Password != ReferenceUser.Password)
        {
            return Forbid(Errors.InvalidGrant, "The username/password couple is invalid.");
        }

        identity = NewIdentity();
        identity.SetClaim(Claims.Subject, ReferenceUser.Name).SetClaim(Claims.Name, ReferenceUser.Name);
    }
    else if (request.IsRefreshTokenGrantType())
    {
        // OpenIddict has validated the refresh token (and redeems it at sign-in). The samples then
        // read the user again through Identity; there is no user store here, so this is less work
        // than theirs.
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        identity = new ClaimsIdentity(result.Principal!.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
    }
    else
    {
        throw new InvalidOperationException("The specified grant type is not supported.");
    }

    identity.SetScopes(request.GetScopes());
    identity.SetDestinations(static _ => [Destinations.AccessToken]);
    return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
}

static ClaimsIdentity NewIdentity() => new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

static IResult Forbid(string error, string description) => Results.Forbid(
    new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }),
    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

/// <summary>OpenIddict's entities only (UseOpenIddict), as in the samples.</summary>
internal sealed class ReferenceDbContext(DbContextOptions<ReferenceDbContext> options) : DbContext(options);

internal static class ReferenceUser
{
    public const string Name = "bench-user";
    public const string Password = "bench-password";
}

/// <summary>Adds the bench's clients through OpenIddict's application manager, which hashes their secrets as it does by default.</summary>
internal sealed class ClientSeeder(IServiceProvider services, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = configuration.GetValue("Reference:Clients", 0);
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        for (var i = 1; i <= count; i++)
        {
            var clientId = $"reference-client-{i}";
            if (await applications.FindByClientIdAsync(clientId, cancellationToken) is null)
            {
                await applications.CreateAsync(new OpenIddictApplicationDescriptor
                {
                    ClientId = clientId,
                    ClientSecret = $"reference-secret-{i}",
                    ClientType = ClientTypes.Confidential,
                    DisplayName = $"Reference client {i}",
                    Permissions =
                    {
                        Permissions.Endpoints.Token,
                        Permissions.GrantTypes.ClientCredentials,
                        Permissions.GrantTypes.Password,
                        Permissions.GrantTypes.RefreshToken,
                    },
                }, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
