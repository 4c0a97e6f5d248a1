using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuthClients.Tests.Connect;

/// <summary>
/// An app whose codes and refresh tokens live for seconds of its own clock, which the tests move:
/// their expiry is watched without waiting, and a slow machine cannot let a code expire before it
/// is redeemed (on the wall clock, 2 s and then 5 s were not always enough).
/// </summary>
public sealed class ShortTokenLifetimesApp : IDisposable
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public AuthClientsAppFactory App { get; }

    public ShortTokenLifetimesApp() => App = new()
    {
        Settings =
        {
            ["OAuthServer:AuthorizationCodeLifetime"] = "00:00:05",
            ["OAuthServer:RefreshTokenLifetime"] = "00:00:15",
        },
        TestServices = services => services.AddSingleton<TimeProvider>(Clock),
    };

    public void Dispose() => App.Dispose();
}

/// <summary>Security checklist 7, 19 and 20: codes expire, refresh tokens have an absolute lifetime and cannot widen scope.</summary>
public sealed class TokenLifetimeTests(ShortTokenLifetimesApp fixture) : IClassFixture<ShortTokenLifetimesApp>
{
    private readonly AuthClientsAppFactory _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task ExpiredAuthorizationCode_IsInvalidGrant()
    {
        var (driver, email) = await ArrangeAsync();
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);

        _clock.Advance(TimeSpan.FromSeconds(6));
        var tokens = await driver.RedeemAsync(_app.CreateClient(), code);

        Assert.Equal("invalid_grant", tokens.ErrorCode());
    }

    [Fact]
    public async Task RefreshTokenChain_EndsAtTheFirstTokensLifetime_DespiteRotation()
    {
        var (driver, email) = await ArrangeAsync();
        var client = driver.Client;
        var http = _app.CreateClient();
        var tokens = await driver.RedeemAsync(http, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);

        _clock.Advance(TimeSpan.FromSeconds(6));
        var renewed = await RefreshAsync(http, client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);

        // Past the first token's fifteen seconds: a sliding lifetime would still accept the renewed one.
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("invalid_grant", (await RefreshAsync(http, client, renewed.RefreshToken!)).ErrorCode());
    }

    [Fact]
    public async Task Refresh_AskingForMoreScope_IsRefused()
    {
        var (driver, email) = await ArrangeAsync();
        var http = _app.CreateClient();
        var tokens = await driver.RedeemAsync(http, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword, "openid offline_access"));

        var wider = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token",
            ClientId = driver.Client.ClientId,
            ClientSecret = driver.Client.Secret,
            RefreshToken = tokens.RefreshToken!,
            Scope = "openid offline_access profile email",
        });

        Assert.Null(wider.AccessToken);
        Assert.Contains(wider.ErrorCode(), new[] { "invalid_scope", "invalid_grant" });
    }

    private async Task<(AuthorizationCodeDriver Driver, string Email)> ArrangeAsync()
    {
        var client = await _app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        return (new AuthorizationCodeDriver(_app.CreateBrowser(), client), await _app.CreateUserAsync());
    }

    private static Task<TokenResponse> RefreshAsync(HttpClient http, RegisteredClient client, string refreshToken) =>
        http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            RefreshToken = refreshToken,
        });
}
