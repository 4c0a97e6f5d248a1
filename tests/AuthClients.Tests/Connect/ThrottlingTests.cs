using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Connect;

/// <summary>
/// Security checklist 12 and 40: failures at the token endpoint are throttled (429) and logged, by
/// the caller's address, so whoever guesses from one address never locks a client or a user out for
/// anyone else. The fixture is shared: each test fails from addresses of its own.
/// </summary>
public sealed class ThrottlingTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task WrongSecretsFromOneAddress_ThrottleThatAddress_WhileTheClientsOwnAddressKeepsWorking()
    {
        var client = await app.RegisterClientAsync();
        var attacker = IPAddress.Parse("203.0.113.7");
        var owner = IPAddress.Parse("198.51.100.20");

        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(attacker, client.ClientId, "wrong")).HttpStatusCode);
        }

        var throttled = await RequestAsync(attacker, client.ClientId, client.Secret);
        var fromOwner = await RequestAsync(owner, client.ClientId, client.Secret);

        Assert.False(fromOwner.IsError, fromOwner.Raw);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.HttpStatusCode);
        Assert.NotNull(throttled.HttpResponse!.Headers.RetryAfter);
        Assert.Null(throttled.AccessToken);
        Assert.Contains(app.LogLines, line => line.Contains($"Too many failed client authentications for client {client.ClientId} from {attacker}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherClient_IsNotThrottledByItsNeighboursFailures()
    {
        var noisy = await app.RegisterClientAsync();
        var quiet = await app.RegisterClientAsync();
        var address = IPAddress.Parse("203.0.113.8");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await RequestAsync(address, noisy.ClientId, "wrong");
        }

        var token = await RequestAsync(address, quiet.ClientId, quiet.Secret);

        Assert.False(token.IsError, token.Raw);
    }

    [Fact]
    public async Task AddressesOfOneIPv6Network_CountAsOneCaller()
    {
        var client = await app.RegisterClientAsync();
        for (var host = 1; host <= 10; host++)
        {
            await RequestAsync(IPAddress.Parse($"2001:db8:1:1::{host:x}"), client.ClientId, "wrong");
        }

        var sameNetwork = await RequestAsync(IPAddress.Parse("2001:db8:1:1:ffff::1"), client.ClientId, client.Secret);
        var otherNetwork = await RequestAsync(IPAddress.Parse("2001:db8:1:2::1"), client.ClientId, client.Secret);

        Assert.False(otherNetwork.IsError, otherNetwork.Raw);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.HttpStatusCode);
    }

    [Fact]
    public async Task WrongPasswordsFromOneAddress_ThrottleThatAddress_WithoutLockingTheUserOut()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true);
        var email = await app.CreateUserAsync();
        var attacker = IPAddress.Parse("203.0.113.9");
        var owner = IPAddress.Parse("198.51.100.21");

        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Equal("invalid_grant", (await PasswordAsync(attacker, client, email, "wrong-password")).ErrorCode());
        }

        var throttled = await PasswordAsync(attacker, client, email.ToUpperInvariant(), AuthClientsAppFactory.UserPassword);
        var fromOwner = await PasswordAsync(owner, client, email, AuthClientsAppFactory.UserPassword);

        Assert.False(fromOwner.IsError, fromOwner.Raw);
        app.RemoteIpAddress = owner;
        await app.CreateBrowser().SignInAsAsync(email); // the sign-in page is not locked either
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.HttpStatusCode);
    }

    [Fact]
    public async Task MalformedRequests_CountTowardTheAddressThrottle()
    {
        var client = await app.RegisterClientAsync();
        var sender = IPAddress.Parse("203.0.113.10");
        app.RemoteIpAddress = sender;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            using var content = new StringContent("grant_type=client_credentials", Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data"); // no boundary: unreadable
            var refused = await _http.PostAsync("/connect/token", content);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var fromSender = await RequestAsync(sender, client.ClientId, client.Secret);
        var fromElsewhere = await RequestAsync(IPAddress.Parse("198.51.100.22"), client.ClientId, client.Secret);

        Assert.False(fromElsewhere.IsError, fromElsewhere.Raw);
        Assert.Equal(HttpStatusCode.TooManyRequests, fromSender.HttpStatusCode);
        Assert.Contains(app.LogLines, line => line.Contains($"Too many failed or malformed protocol requests from {sender}", StringComparison.Ordinal));
    }

    private Task<TokenResponse> RequestAsync(IPAddress from, string clientId, string secret)
    {
        app.RemoteIpAddress = from;
        return _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = clientId, ClientSecret = secret });
    }

    private Task<TokenResponse> PasswordAsync(IPAddress from, RegisteredClient client, string email, string password)
    {
        app.RemoteIpAddress = from;
        return _http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            UserName = email,
            Password = password,
        });
    }
}
