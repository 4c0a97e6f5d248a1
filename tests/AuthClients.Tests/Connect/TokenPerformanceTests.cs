using System.Net;
using System.Security.Cryptography;
using System.Text;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.Connect;

/// <summary>
/// The token endpoint's fast paths (OAuthServer:Performance) keep every promise of the slow ones:
/// secrets are checked against keyed verifiers, old PBKDF2 verifiers still work and are upgraded,
/// a client changed or deleted is refused at once on this instance, and the baseline switch still
/// gives OpenIddict's defaults.
/// </summary>
public sealed class TokenPerformanceTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task NewSecretVerifier_IsAKeyedHmac_NotTheSecretNorItsPlainHash()
    {
        var client = await app.RegisterClientAsync();

        var verifier = await VerifierAsync(app, client);

        Assert.StartsWith(ClientSecretHasher.HmacPrefix, verifier, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Secret, verifier, StringComparison.Ordinal);
        var unkeyed = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(client.Secret)));
        Assert.DoesNotContain(unkeyed, verifier, StringComparison.Ordinal);
        Assert.False((await TokenAsync(_http, client.ClientId, client.Secret + "x")).HttpStatusCode == HttpStatusCode.OK);
        Assert.False((await TokenAsync(_http, client.ClientId, client.Secret)).IsError);
    }

    [Fact]
    public async Task ClientCredentialsToken_IsEs256WithoutATokenRow_AndDeletingItsClientStopsItAtOnce()
    {
        var client = await app.RegisterClientAsync();
        var rowsBefore = await TokenRowsAsync(app);

        var token = await TokenAsync(_http, client.ClientId, client.Secret);

        Assert.Equal("ES256", new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(token.AccessToken).Header.Alg);
        Assert.Equal(rowsBefore, await TokenRowsAsync(app));
        Assert.Equal(HttpStatusCode.OK, (await CallMeAsync(_http, token.AccessToken!)).StatusCode);

        await app.DeleteClientAsync(client);

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(_http, token.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task CodeFlow_IdTokenIsRs256_AccessTokenIsEs256_OnlyTheRefreshTokenHasARow()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var email = await app.CreateUserAsync();
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);

        var tokens = await driver.RedeemAsync(_http, code);

        Assert.False(tokens.IsError, tokens.Raw);
        Assert.Equal("RS256", new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(tokens.IdentityToken).Header.Alg);
        Assert.Equal("ES256", new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(tokens.AccessToken).Header.Alg);
        // The refresh token keeps its row (single use, reuse detection); the access token is checked against its authorization.
        var rows = await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Set<AuthClientToken>()
            .Where(t => t.Application!.Id == client.Id).Select(t => t.Type).ToListAsync());
        Assert.DoesNotContain(OpenIddictConstants.TokenTypeIdentifiers.AccessToken, rows);
        Assert.Contains(OpenIddictConstants.TokenTypeIdentifiers.RefreshToken, rows);
    }

    [Fact]
    public async Task RevokingAClientCredentialsAccessToken_IsAnsweredUnsupportedTokenType()
    {
        var client = await app.RegisterClientAsync();
        var token = await TokenAsync(_http, client.ClientId, client.Secret);

        var revocation = await _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Token = token.AccessToken!,
        });

        // RFC 7009 2.2.1: a server that cannot revoke a token of this kind says so (documented in docs/performance.md).
        Assert.Equal("unsupported_token_type", revocation.Error);
    }

    [Fact]
    public async Task CachedClient_WhoseSecretIsRegenerated_IsRefusedTheOldSecretAtOnce()
    {
        var client = await app.RegisterClientAsync();
        Assert.False((await TokenAsync(_http, client.ClientId, client.Secret)).IsError); // now cached

        await app.RegenerateSecretAsync(client);

        Assert.Equal("invalid_client", (await TokenAsync(_http, client.ClientId, client.Secret)).ErrorCode());
        var renewed = await app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>().RevealSecretAsync(client.Id));
        Assert.False((await TokenAsync(_http, client.ClientId, renewed!)).IsError);
    }

    [Fact]
    public async Task CachedClient_WhoseGrantIsRemoved_IsRefusedAtOnce()
    {
        var client = await app.RegisterClientAsync(password: true);
        Assert.False((await TokenAsync(_http, client.ClientId, client.Secret)).IsError); // now cached

        await app.WithServicesAsync(async services =>
        {
            var settings = (await services.GetRequiredService<AuthClientQueries>().GetSettingsAsync(client.Id))!;
            var changed = settings with { Grants = settings.Grants with { ClientCredentials = false } };
            Assert.Equal(ChangeStatus.Saved, (await services.GetRequiredService<AuthClientCommands>().UpdateAsync(client.Id, changed, OAuthScopes.Api.ToHashSet())).Status);
        });

        Assert.Equal("unauthorized_client", (await TokenAsync(_http, client.ClientId, client.Secret)).ErrorCode());
    }

    [Fact]
    public async Task ClientDeletedByAnotherInstance_IsRefusedOnceTheCacheLifetimeHasPassed()
    {
        // Another instance of the same installation.
        using var shortCache = new AuthClientsAppFactory { Database = app.Database, Settings = { ["OAuthServer:Performance:ClientCacheLifetime"] = "00:00:01" } };
        var http = shortCache.CreateClient();
        var client = await RegisterAsync(shortCache);
        var token = await TokenAsync(http, client.ClientId, client.Secret); // now cached

        // Another instance deletes it: this one's cache is not told.
        await using (var scope = shortCache.Services.CreateAsyncScope())
        {
            // A set-based delete bypasses the manager (and so this instance's cache), on every provider.
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuthClients
                .Where(a => a.Id == client.Id).ExecuteDeleteAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(http, token.AccessToken!)).StatusCode);
        Assert.Equal("invalid_client", (await TokenAsync(http, client.ClientId, client.Secret)).ErrorCode());
    }

    [Fact]
    public async Task TokenWhoseSignatureWasVerifiedBefore_IsStillRefusedOnceExpired()
    {
        // On the app's clock, which only the test moves: a slow machine cannot let the token expire before the first call.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var shortTokens = new AuthClientsAppFactory
        {
            Database = app.Database,
            Settings = { ["OAuthServer:AccessTokenLifetime"] = "00:05:00" },
            TestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        var http = shortTokens.CreateClient();
        var client = await RegisterAsync(shortTokens);
        var token = await TokenAsync(http, client.ClientId, client.Secret);
        Assert.Equal(HttpStatusCode.OK, (await CallMeAsync(http, token.AccessToken!)).StatusCode);
        Assert.True(shortTokens.Services.GetRequiredService<VerifiedTokenCache>().Remembers(token.AccessToken!));

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(http, token.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task TamperedCopyOfARememberedToken_IsRefused()
    {
        var client = await app.RegisterClientAsync();
        var token = (await TokenAsync(_http, client.ClientId, client.Secret)).AccessToken!;
        Assert.Equal(HttpStatusCode.OK, (await CallMeAsync(_http, token)).StatusCode);
        Assert.True(app.Services.GetRequiredService<VerifiedTokenCache>().Remembers(token));
        var parts = token.Split('.');
        var otherClaims = System.Buffers.Text.Base64Url.EncodeToString(
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace($"\"sub\":\"{client.ClientId}\"", "\"sub\":\"tampered\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(_http, parts[0] + "." + otherClaims + "." + parts[2])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CallMeAsync(_http, token)).StatusCode);
    }

    [Fact]
    public async Task FailedClientAuthentication_IsLoggedAsAWarning_WithoutTheSecret()
    {
        var client = await app.RegisterClientAsync();

        await TokenAsync(_http, client.ClientId, "wrong-canary-secret-5e1b");
        await TokenAsync(_http, "999999\nforged line", "unknown-canary-secret-5e1b");

        var warnings = app.LogEntries
            .Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Category.EndsWith(nameof(ProtocolErrorHandler), StringComparison.Ordinal))
            .Select(e => e.Message).ToList();
        Assert.Contains(warnings, m => m.Contains($"client_id {client.ClientId}:", StringComparison.Ordinal) && m.Contains("wrong secret", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("unknown client", StringComparison.Ordinal) && m.Contains("999999?forged line", StringComparison.Ordinal));
        Assert.DoesNotContain(app.LogLines, line => line.Contains("canary-secret-5e1b", StringComparison.Ordinal));
    }

    [Fact]
    public void BadPerformanceSetting_StopsTheAppWithAMessageNamingIt()
    {
        foreach (var (key, value) in new[] { ("ClientCacheLifetime", "00:05:00"), ("AccessTokenAlgorithm", "HS256"), ("ClientCacheSize", "1"), ("VerifiedTokenCacheLifetime", "02:00:00"), ("UserAccessCacheLifetime", "00:01:00"), ("UserAccessCacheLifetime", "-00:00:01"), ("UserAccessCacheSize", "0") })
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [$"OAuthServer:Performance:{key}"] = value })
                .Build();

            var failure = Assert.Throws<OptionsValidationException>(() =>
                new ServiceCollection().AddAppOpenIddict(configuration, new HostingEnvironment { EnvironmentName = "Testing" }));

            Assert.Contains("OAuthServer:Performance", failure.Message, StringComparison.Ordinal);
        }
    }

    internal static async Task<RegisteredClient> RegisterAsync(AuthClientsAppFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var settings = new AuthClientSettings { Name = $"client-{Guid.NewGuid():N}", Grants = new(ClientCredentials: true) };
        var (result, _) = await scope.ServiceProvider.GetRequiredService<AuthClientCommands>().CreateAsync(settings, actorId: null, OAuthScopes.Api.ToHashSet());
        var secret = await scope.ServiceProvider.GetRequiredService<AuthClientCredentials>().RevealSecretAsync(result.Id!);
        var clientId = await scope.ServiceProvider.GetRequiredService<AuthClientQueries>().GetClientIdAsync(result.Id!);
        return new RegisteredClient(result.Id!, clientId!, secret!);
    }

    /// <summary>The verifier of the client's secret: its one credential, what authentication compares.</summary>
    internal static async Task<string> VerifierAsync(AuthClientsAppFactory factory, RegisteredClient client)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuthClientCredentials.AsNoTracking()
            .Where(c => c.ApplicationId == client.Id).Select(c => c.SecretVerifier).SingleAsync())!;
    }

    internal static async Task<int> TokenRowsAsync(AuthClientsAppFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<AuthClientToken>().CountAsync();
    }

    internal static Task<TokenResponse> TokenAsync(HttpClient http, string clientId, string secret) =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = clientId, ClientSecret = secret });

    internal static Task<HttpResponseMessage> CallMeAsync(HttpClient http, string accessToken) => http.GetMeAsync(accessToken);
}

/// <summary>OAuthServer:Performance:Baseline=true gives OpenIddict's defaults, and a later switch keeps its clients working.</summary>
public sealed class BaselineSwitchTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    [Fact]
    public async Task Baseline_WritesPbkdf2VerifiersAndTokenRows_SignsRs256_AndTheApiAcceptsItsTokens()
    {
        using var baseline = BaselineApp();
        var http = baseline.CreateClient();
        var client = await TokenPerformanceTests.RegisterAsync(baseline);
        var rowsBefore = await TokenPerformanceTests.TokenRowsAsync(baseline);

        var token = await TokenPerformanceTests.TokenAsync(http, client.ClientId, client.Secret);

        Assert.False(ClientSecretHasher.IsHmacVerifier(await TokenPerformanceTests.VerifierAsync(baseline, client)));
        Assert.Equal("RS256", new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(token.AccessToken).Header.Alg);
        Assert.Equal(rowsBefore + 1, await TokenPerformanceTests.TokenRowsAsync(baseline));
        Assert.Equal(HttpStatusCode.OK, (await TokenPerformanceTests.CallMeAsync(http, token.AccessToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenPerformanceTests.TokenAsync(http, client.ClientId, client.Secret + "x")).HttpStatusCode);
    }

    [Fact]
    public async Task Pbkdf2Verifier_FromBeforeTheSwitch_StillWorks_AndIsUpgradedToHmacOnUse()
    {
        RegisteredClient client;
        using (var baseline = BaselineApp())
        {
            client = await TokenPerformanceTests.RegisterAsync(baseline);
            Assert.StartsWith("AQAAAA", await TokenPerformanceTests.VerifierAsync(baseline, client), StringComparison.Ordinal);
        }

        using var optimised = new AuthClientsAppFactory { Database = _database };
        var http = optimised.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenPerformanceTests.TokenAsync(http, client.ClientId, client.Secret + "x")).HttpStatusCode);
        Assert.False(ClientSecretHasher.IsHmacVerifier(await TokenPerformanceTests.VerifierAsync(optimised, client)));
        Assert.False((await TokenPerformanceTests.TokenAsync(http, client.ClientId, client.Secret)).IsError);
        Assert.True(ClientSecretHasher.IsHmacVerifier(await TokenPerformanceTests.VerifierAsync(optimised, client)));
        Assert.False((await TokenPerformanceTests.TokenAsync(http, client.ClientId, client.Secret)).IsError);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenPerformanceTests.TokenAsync(http, client.ClientId, client.Secret + "x")).HttpStatusCode);
    }

    public void Dispose() => _database.Dispose();

    private AuthClientsAppFactory BaselineApp() => new() { Database = _database, Settings = { ["OAuthServer:Performance:Baseline"] = "true" } };
}
