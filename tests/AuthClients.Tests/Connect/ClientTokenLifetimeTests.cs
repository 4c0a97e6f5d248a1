using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthClients.Tests.Connect;

/// <summary>
/// Issue 13: a client's own access, refresh and ID token lifetimes are those of the tokens it is
/// issued from then on; "Default" (none set) is the server's <c>OAuthServer:*Lifetime</c>.
/// </summary>
public sealed class ClientTokenLifetimeTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task ClientLifetimes_AreTheLifetimesOfItsNewTokens()
    {
        var client = await app.RegisterClientAsync(clientCredentials: true, authorizationCode: true);
        await app.ChangeClientAsync(client, settings => settings with
        {
            AccessTokenLifetime = TimeSpan.FromMinutes(5),
            RefreshTokenLifetime = TimeSpan.FromDays(1),
            IdentityTokenLifetime = TimeSpan.FromMinutes(15),
        });

        var lifetimes = await IssuedLifetimesAsync(client);
        var clientToken = await _http.RequestClientTokenAsync(client);

        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromDays(1), TimeSpan.FromMinutes(15)), lifetimes);
        Assert.InRange(clientToken.ExpiresIn, 298, 300); // counted from the response, a second may have passed
        Assert.Equal(TimeSpan.FromMinutes(5), Lifetime(clientToken.AccessToken!));
    }

    [Fact]
    public async Task DefaultLifetimes_AreTheServerSettings()
    {
        var server = app.Services.GetRequiredService<IOptions<OAuthServerOptions>>().Value;
        var client = await app.RegisterClientAsync(clientCredentials: true, authorizationCode: true);

        var lifetimes = await IssuedLifetimesAsync(client);

        Assert.Equal((server.AccessTokenLifetime, server.RefreshTokenLifetime, server.IdentityTokenLifetime), lifetimes);
    }

    [Fact]
    public async Task ChangedLifetime_AppliesToTokensIssuedFromThenOn()
    {
        var server = app.Services.GetRequiredService<IOptions<OAuthServerOptions>>().Value;
        var client = await app.RegisterClientAsync();
        var before = await _http.RequestClientTokenAsync(client);

        await app.ChangeClientAsync(client, settings => settings with { AccessTokenLifetime = TimeSpan.FromMinutes(2) });
        var after = await _http.RequestClientTokenAsync(client);

        Assert.Equal(server.AccessTokenLifetime, Lifetime(before.AccessToken!));
        Assert.Equal(TimeSpan.FromMinutes(2), Lifetime(after.AccessToken!));
    }

    /// <summary>The lifetimes (exp - iat) of the access, refresh and ID tokens of an authorization code flow through <paramref name="client"/>.</summary>
    private async Task<(TimeSpan Access, TimeSpan Refresh, TimeSpan Identity)> IssuedLifetimesAsync(RegisteredClient client)
    {
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_http, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        Assert.InRange(tokens.ExpiresIn, (int)Lifetime(tokens.AccessToken!).TotalSeconds - 2, (int)Lifetime(tokens.AccessToken!).TotalSeconds);

        // The refresh token is encrypted: its client reads its dates at introspection.
        var refresh = await _http.IntrospectAsync(client, tokens.RefreshToken!);
        Assert.True(refresh.IsActive, refresh.Raw);
        long Claim(string type) => long.Parse(refresh.Claims.Single(c => c.Type == type).Value, System.Globalization.CultureInfo.InvariantCulture);
        var refreshLifetime = TimeSpan.FromSeconds(Claim("exp") - Claim("iat"));
        return (Lifetime(tokens.AccessToken!), refreshLifetime, Lifetime(tokens.IdentityToken!));
    }

    /// <summary>exp - iat of a signed JWT.</summary>
    private static TimeSpan Lifetime(string jwt)
    {
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]));
        return TimeSpan.FromSeconds(payload.RootElement.GetProperty("exp").GetInt64() - payload.RootElement.GetProperty("iat").GetInt64());
    }
}
