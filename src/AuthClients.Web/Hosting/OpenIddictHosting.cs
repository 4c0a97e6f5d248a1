using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Api;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Hosting;

/// <summary>The <c>OAuthServer</c> section.</summary>
public sealed class OAuthServerOptions : IValidatableObject
{
    public const string Section = "OAuthServer";

    /// <summary>
    /// The issuer URL: the app's public address, in tokens and discovery. Required outside the
    /// Development and Testing environments unless <c>AllowedHosts</c> names the hosts: otherwise
    /// whoever sends the request chooses it with the Host header.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>Refuse plain http. Default: true, except in the Development and Testing environments.</summary>
    public bool? RequireHttps { get; set; }

    [Range(typeof(TimeSpan), MinLifetime, MaxLifetime, ErrorMessage = "OAuthServer:AccessTokenLifetime must be between {1} and {2}.")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Absolute: a chain of rotated refresh tokens never outlives the first one's lifetime.</summary>
    [Range(typeof(TimeSpan), MinLifetime, MaxLifetime, ErrorMessage = "OAuthServer:RefreshTokenLifetime must be between {1} and {2}.")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>OpenIddict's default; a client may set its own (Auth Clients page, API).</summary>
    [Range(typeof(TimeSpan), MinLifetime, MaxLifetime, ErrorMessage = "OAuthServer:IdentityTokenLifetime must be between {1} and {2}.")]
    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(20);

    [Range(typeof(TimeSpan), MinLifetime, MaxLifetime, ErrorMessage = "OAuthServer:AuthorizationCodeLifetime must be between {1} and {2}.")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A PKCS#12 (.pfx) file with the signing certificate, for operators who manage keys themselves.
    /// When unset, signing keys are generated and kept in the database (encrypted with Data Protection).
    /// </summary>
    public string? SigningCertificatePath { get; set; }

    public string? SigningCertificatePassword { get; set; }

    /// <summary>How long a spent refresh token may still be retried (lost responses) before reuse revokes the chain.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "OAuthServer:RefreshTokenReuseLeeway must be between {1} and {2}.")]
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(30);

    // A year at most: far beyond any sensible lifetime, and no overflow when added to a date.
    private const string MinLifetime = "00:00:01";
    private const string MaxLifetime = "365.00:00:00";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Issuer is not null && !(Issuer.IsAbsoluteUri && (Issuer.Scheme == Uri.UriSchemeHttps || Issuer.Scheme == Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult(
                $"OAuthServer:Issuer '{Issuer.OriginalString}' is not an absolute http or https URL (e.g. https://auth.example.com/).", [nameof(Issuer)]);
        }
    }
}

public static class OpenIddictHosting
{
    public static IServiceCollection AddAppOpenIddict(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var server = services.AddStartupOptions<OAuthServerOptions>(configuration, OAuthServerOptions.Section);
        if (!string.IsNullOrWhiteSpace(server.SigningCertificatePath))
        {
            // Loaded again by ServerKeyStore; here so that a bad file or password stops the app at once.
            StartupOptions.LoadCertificate<OAuthServerOptions>(OAuthServerOptions.Section, server.SigningCertificatePath, server.SigningCertificatePassword,
                "OAuthServer:SigningCertificatePath", "OAuthServer:SigningCertificatePassword").Dispose();
        }

        var requireHttps = server.RequireHttps ?? !IsLocal(environment);

        // Read now, because it decides what is registered.
        var performance = services.AddStartupOptions<TokenPerformanceOptions>(configuration, TokenPerformanceOptions.Section);
        services.AddSingleton<AuthClientCache>();
        services.AddSingleton<RequireCodeOrRefreshGrant>();
        services.AddSingleton<VerifiedTokenCache>();
        services.AddSingleton<ClientSecretHasher>();
        services.AddSingleton<ClientUsage>();
        services.AddSingleton<ClientActivity>();
        services.AddSingleton<AuthClientsMetrics>();
        services.AddSingleton<ClientUsageFlush>();
        services.AddHostedService(sp => sp.GetRequiredService<ClientUsageFlush>());
        services.AddSingleton<UsedClientAssertionPruning>();

        services.AddSingleton<ServerKeyStore>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ServerKeyStore>());
        services.AddHostedService<ServerKeyRotation>();
        services.AddSingleton<ClientAuthenticationThrottle>();
        services.AddScoped<SignInContinuation>();
        services.AddScoped<GrantUsers>();
        if (performance.EffectiveIndexServerHandlers)
        {
            services.AddSingleton(sp => new IndexedServerDispatcher.HandlerIndex(sp, services));
            services.AddScoped<IOpenIddictServerDispatcher, IndexedServerDispatcher>();
        }

        services.AddOpenIddict()
            .AddCore(options =>
            {
                options.UseEntityFrameworkCore()
                    .UseDbContext<AppDbContext>()
                    .ReplaceDefaultEntities<AuthClientApplication, AuthClientAuthorization, AuthClientScope, AuthClientToken, string>();
                options.ReplaceApplicationManager<AuthClientApplication, AuthClientApplicationManager>();
                if (!performance.Baseline)
                {
                    options.ReplaceTokenStore<AuthClientToken, AuthClientTokenStore>();
                    options.ReplaceAuthorizationStore<AuthClientAuthorization, AuthClientAuthorizationStore>();

                    // OpenIddict's entity caches, built when a request first asks one (Connect/DeferredEntityCaches.cs).
                    options.Services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictApplicationCache<>), typeof(DeferredApplicationCache<>)));
                    options.Services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictAuthorizationCache<>), typeof(DeferredAuthorizationCache<>)));
                    options.Services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictScopeCache<>), typeof(DeferredScopeCache<>)));
                    options.Services.Replace(ServiceDescriptor.Scoped(typeof(IOpenIddictTokenCache<>), typeof(DeferredTokenCache<>)));
                }
            })
            .AddServer(options =>
            {
                if (server.Issuer is { } issuer)
                {
                    options.SetIssuer(issuer);

                    // Discovery builds the endpoint URLs from the request's scheme and host, which
                    // anyone can set: build them from the issuer instead (checklist 44).
                    options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
                        .UseInlineHandler(context =>
                        {
                            context.BaseUri = issuer;
                            return ValueTask.CompletedTask;
                        })
                        .SetOrder(OpenIddictServerHandlers.Discovery.AttachEndpoints.Descriptor.Order - 500));
                }

                options.SetAuthorizationEndpointUris(Routes.Authorize[1..])
                    .SetTokenEndpointUris(Routes.Token[1..])
                    .SetIntrospectionEndpointUris(Routes.Introspect[1..])
                    .SetRevocationEndpointUris(Routes.Revoke[1..])
                    .SetUserInfoEndpointUris(Routes.UserInfo[1..])
                    .SetEndSessionEndpointUris(Routes.EndSession[1..])
                    .SetConfigurationEndpointUris(".well-known/openid-configuration", ".well-known/oauth-authorization-server");

                options.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow()
                    .AllowPasswordFlow();

                // S256 only: "plain" PKCE gives no protection against a stolen code (RFC 9700 2.1.1).
                options.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                options.RegisterScopes(OAuthScopes.All);
                // Each client may override the access, refresh and ID token lifetimes in its OpenIddict
                // settings (TokenLifetimeRules), which OpenIddict applies itself.
                options.SetAccessTokenLifetime(server.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(server.RefreshTokenLifetime)
                    .SetIdentityTokenLifetime(server.IdentityTokenLifetime)
                    .SetAuthorizationCodeLifetime(server.AuthorizationCodeLifetime)
                    .SetRefreshTokenReuseLeeway(server.RefreshTokenReuseLeeway)
                    .DisableSlidingRefreshTokenExpiration();

                options.AddEventHandler(ProtocolRequestGuard.Descriptor);
                foreach (var handler in ProtocolErrorHandler.Descriptors)
                {
                    options.AddEventHandler(handler);
                }

                // private_key_jwt (RFC 7523): a confidential client may sign a client_assertion with a key
                // whose public half it registered (its public-key credentials), instead of sending a secret,
                // at the token, introspection and revocation endpoints. Named here, whatever OpenIddict's defaults.
                options.Configure(o =>
                {
                    o.ClientAuthenticationMethods.Add(ClientAuthenticationMethods.PrivateKeyJwt);
                    o.ClientAssertionTypes.Add(ClientAssertionTypes.JwtBearer);
                });
                options.AddEventHandler(PrivateKeyJwt.Check);
                options.AddEventHandler(PrivateKeyJwt.Accept);

                // Single use of codes and refresh tokens under concurrency, in one update (on in every mode: a security fix).
                options.RemoveEventHandler(SingleUse.Replaced);
                options.AddEventHandler(SingleUse.Descriptor);
                if (!performance.Baseline)
                {
                    // The redemption written with the grant's new token rows (the app's token store adds them without saving).
                    options.AddEventHandler(GrantWrite.Descriptor);
                }

                options.RemoveEventHandler(InlineTokenHandler.Replaced);
                options.AddEventHandler(InlineTokenHandler.Descriptor);
                options.AddEventHandler(ClientAccessTokenIssuer.Descriptor);
                options.AddEventHandler(ClientAccessTokenValidator.ServerDescriptor);
                if (!performance.EffectiveStoreUserAccessTokens)
                {
                    // Users' access tokens have no row for reuse detection to revoke: it revokes their authorization.
                    options.AddEventHandler(TokenReuseRevocation.Descriptor);
                }

                // A disabled client gets no tokens and no authorization page (its tokens: ClientAccessTokenValidator).
                options.AddEventHandler(DisabledClients.Descriptor);
                options.AddEventHandler(DisabledClients.AuthorizationPage.Descriptor);

                // Introspection refuses what the API refuses (checklist 45).
                options.AddEventHandler(BearerUserAccessHandler.IntrospectionDescriptor);
                options.AddEventHandler(PersonalAccessTokenIntrospection.Descriptor);
                options.AddEventHandler(AuthorizationHeaderOnly.Descriptor);
                options.AddEventHandler(PublicClientUsage.Descriptor);

                // Plain signed JWTs, so any resource server can validate them from the JWKS.
                options.DisableAccessTokenEncryption();

                var aspNetCore = options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!requireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }

                if (!performance.Baseline)
                {
                    // Indented, each answer's JSON is larger and grows its buffer several times
                    // (5% of a grant's allocations); no client reads the layout.
                    aspNetCore.SuppressJsonResponseIndentation();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();

                // Tokens only from the Authorization header (AuthorizationHeaderOnly), never a URL or a form.
                options.UseAspNetCore()
                    .DisableAccessTokenExtractionFromQueryString()
                    .DisableAccessTokenExtractionFromBodyForm();
                options.AddAudiences(OAuthScopes.ApiResource);

                // Every access token with a database entry is checked against it, so deleting a
                // client (which deletes its tokens) or revoking a token stops it at once. Client-
                // credentials tokens issued without an entry are checked against their client, users'
                // tokens issued without one against their authorization (ClientAccessTokenValidator).
                options.EnableTokenEntryValidation();

                // As introspection does: a revoked authorization (consent) stops its access tokens.
                // (Answered from AccessStateCache when current, in place of OpenIddict's own check.)
                options.EnableAuthorizationEntryValidation();
                options.RemoveEventHandler(OpenIddictValidationHandlers.Protection.ValidateAuthorizationEntry.Descriptor);
                options.AddEventHandler(CachedAuthorizationEntryCheck.Descriptor);
                options.AddEventHandler(ClientAccessTokenValidator.ValidationDescriptor);
                if (performance.EffectiveVerifiedTokenCacheLifetime > TimeSpan.Zero)
                {
                    options.AddEventHandler(VerifiedTokenCache.LookupDescriptor);
                    options.AddEventHandler(VerifiedTokenCache.StoreDescriptor);
                }

                options.AddEventHandler(BearerUserAccessHandler.Descriptor);
            });
        return services;
    }

    /// <summary>
    /// Before the app serves requests outside Development and Testing: the issuer must not come
    /// from the request's Host header, which anyone can set (checklist 44). It comes from
    /// <c>OAuthServer:Issuer</c>, or at least from a host <c>AllowedHosts</c> lets through. (The
    /// <c>migrate</c> command serves no request and needs neither.)
    /// </summary>
    /// <param name="server">The section as <see cref="AddAppOpenIddict"/> read it (<see cref="StartupOptions"/>).</param>
    public static void RequireFixedIssuer(OAuthServerOptions server, IConfiguration configuration, IHostEnvironment environment)
    {
        if (server.Issuer is null && !IsLocal(environment) && ListedHosts(configuration).Count == 0)
        {
            throw new OptionsValidationException(OAuthServerOptions.Section, typeof(OAuthServerOptions),
            [
                $"{IssuerSetting} is required outside Development: set it to the app's public URL (e.g. https://auth.example.com/), " +
                $"or set {AllowedHostsSetting} to its host names; otherwise the Host header of each request chooses the issuer.",
            ]);
        }
    }

    private const string IssuerSetting = $"{OAuthServerOptions.Section}:{nameof(OAuthServerOptions.Issuer)}";

    private static bool IsLocal(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");

    private const string AllowedHostsSetting = "AllowedHosts";

    /// <summary>The host names <c>AllowedHosts</c> lists; none when it lets every host through ("*", the shipped value).</summary>
    internal static IReadOnlyList<string> ListedHosts(IConfiguration configuration)
    {
        var hosts = (configuration[AllowedHostsSetting] ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return hosts.Contains("*") ? [] : hosts;
    }
}
