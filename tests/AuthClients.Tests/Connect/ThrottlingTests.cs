using System.Net;
using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Connect;

/// <summary>Security checklist 12: many failed client authentications are throttled (429) and logged.</summary>
public sealed class ThrottlingTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task TenWrongSecrets_ThrottleTheClient_EvenWithTheRightSecret()
    {
        var client = await app.RegisterClientAsync();
        var http = app.CreateClient();

        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(http, client.ClientId, "wrong")).HttpStatusCode);
        }

        var throttled = await RequestAsync(http, client.ClientId, client.Secret);

        Assert.Equal((HttpStatusCode)429, throttled.HttpStatusCode);
        Assert.NotNull(throttled.HttpResponse!.Headers.RetryAfter);
        Assert.Null(throttled.AccessToken);
        Assert.Contains(app.LogLines, line => line.Contains("Too many failed client authentications for client " + client.ClientId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherClient_IsNotThrottledByItsNeighboursFailures()
    {
        var noisy = await app.RegisterClientAsync();
        var quiet = await app.RegisterClientAsync();
        var http = app.CreateClient();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await RequestAsync(http, noisy.ClientId, "wrong");
        }

        var token = await RequestAsync(http, quiet.ClientId, quiet.Secret);

        Assert.False(token.IsError, token.Raw);
    }

    private static Task<TokenResponse> RequestAsync(HttpClient http, string clientId, string secret) =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = clientId, ClientSecret = secret });
}
