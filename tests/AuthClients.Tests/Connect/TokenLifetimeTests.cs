using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Connect;

/// <summary>
/// An app whose codes and refresh tokens live for seconds, so their expiry can be watched: long
/// enough that a loaded machine still redeems a code before it expires (2 s was not always).
/// </summary>
public sealed class ShortTokenLifetimesApp : IDisposable
{
    public AuthClientsAppFactory App { get; } = new()
    {
        Settings =
        {
            ["OAuthServer:AuthorizationCodeLifetime"] = "00:00:05",
            ["OAuthServer:RefreshTokenLifetime"] = "00:00:15",
        },
    };

    public void Dispose() => App.Dispose();
}

/// <summary>Security checklist 7, 19 and 20: codes expire, refresh tokens have an absolute lifetime and cannot widen scope.</summary>
public sealed class TokenLifetimeTests(ShortTokenLifetimesApp fixture) : IClassFixture<ShortTokenLifetimesApp>
{
    private readonly AuthClientsAppFactory _app = fixture.App;

    [Fact]
    public async Task ExpiredAuthorizationCode_IsInvalidGrant()
    {
        var (driver, email) = await ArrangeAsync();
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);

        await Task.Delay(TimeSpan.FromSeconds(6));
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
        var started = DateTime.UtcNow;

        await Task.Delay(TimeSpan.FromSeconds(6));
        var renewed = await RefreshAsync(http, client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);

        // Past the first token's fifteen seconds: a sliding lifetime would still accept the renewed one.
        var pastTheFirstLifetime = started.AddSeconds(16) - DateTime.UtcNow;
        await Task.Delay(pastTheFirstLifetime > TimeSpan.Zero ? pastTheFirstLifetime : TimeSpan.Zero);
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
