using System.Net;
using System.Text;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthClients.Tests.Connect;

/// <summary>
/// <c>private_key_jwt</c> (RFC 7523) as a client does it: a key pair made here, its public half
/// registered, assertions signed by Microsoft's <see cref="JsonWebTokenHandler"/> and sent by
/// Duende.IdentityModel. Every refused assertion is answered exactly as a wrong secret.
/// </summary>
public sealed class PrivateKeyJwtTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task Discovery_ListsPrivateKeyJwt_ForTheTokenIntrospectionAndRevocationEndpoints()
    {
        var discovery = await _http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest { Policy = { RequireHttps = false } });

        Assert.False(discovery.IsError, discovery.Error);
        Assert.Contains("private_key_jwt", discovery.TokenEndpointAuthenticationMethodsSupported);
        Assert.Contains("client_secret_basic", discovery.TokenEndpointAuthenticationMethodsSupported);
        foreach (var member in new[] { "introspection_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported" })
        {
            Assert.Contains("private_key_jwt", discovery.Json!.Value.GetProperty(member).EnumerateArray().Select(m => m.GetString()));
        }
    }

    [Theory]
    [InlineData("RSA", false)]
    [InlineData("RSA", true)]
    [InlineData("EC", false)]
    [InlineData("EC", true)]
    public async Task ClientWithPublicKeyOnly_GetsATokenTheApiAccepts_AndItsKeyIsRecordedAsUsed(string kind, bool asJwk)
    {
        using var key = ClientKey.Of(kind);
        var (client, credentialId) = await app.RegisterKeyOnlyClientAsync(key, asJwk);

        var token = await _http.RequestTokenWithAssertionAsync(client.ClientId, key.Assertion(client.ClientId));

        Assert.False(token.IsError, token.Raw);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetMeAsync(token.AccessToken!)).StatusCode);

        // Read where the administrator's "Last used" comes from, after a flush: the app's own timer may
        // have flushed already (this fixture keeps the default interval), so its memory proves nothing.
        Assert.True(await app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());
        var (clientUsedAt, keyUsedAt) = await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            return (
                await db.AuthClients.AsNoTracking().Where(a => a.Id == client.Id).Select(a => a.LastUsedAt).SingleAsync(),
                await db.AuthClientCredentials.AsNoTracking().Where(c => c.Id == credentialId).Select(c => c.LastUsedAt).SingleAsync());
        });
        Assert.NotNull(clientUsedAt);
        Assert.Equal(clientUsedAt, keyUsedAt);
    }

    [Fact]
    public async Task NoClientIdParameter_IsAccepted_TheAssertionNamesTheClient()
    {
        using var key = ClientKey.EcP256();
        var (client, _) = await app.RegisterKeyOnlyClientAsync(key);

        var token = await _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientAssertion = ClientAssertions.JwtBearer(key.Assertion(client.ClientId)),
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        });

        Assert.False(token.IsError, token.Raw);
    }

    [Fact]
    public async Task Introspection_AndRevocation_AcceptAssertions()
    {
        using var key = ClientKey.Rsa();
        var (client, _) = await app.RegisterKeyOnlyClientAsync(key);
        var token = (await _http.RequestTokenWithAssertionAsync(client.ClientId, key.Assertion(client.ClientId))).AccessToken!;

        var introspection = await IntrospectAsync(client, key.Assertion(client.ClientId), token);
        var revocation = await RevokeAsync(client, key.Assertion(client.ClientId), "not-a-token");
        var clientTokenRevocation = await RevokeAsync(client, key.Assertion(client.ClientId), token);

        Assert.False(introspection.IsError, introspection.Raw);
        Assert.True(introspection.IsActive);
        Assert.Equal(client.ClientId, introspection.Json!.Value.GetProperty("client_id").GetString());
        Assert.False(revocation.IsError, revocation.Raw);

        // Authenticated; a client-credentials access token has no row to revoke (docs/performance.md).
        Assert.Equal("unsupported_token_type", clientTokenRevocation.Error);
    }

    /// <summary>Each way an assertion can be wrong, and the reason the administrator reads in the log.</summary>
    public static TheoryData<string, string> Refusals => new()
    {
        { "no jti", "without a jti" },
        { "jti too long", "without a jti" },
        { "no exp", "without exp" },
        { "expired", "expired client assertion" },
        { "lives too long", "living longer than 5 minutes" },
        { "lives too long, no iat", "living longer than 5 minutes" },
        { "issued in the future", "issued in the future" },
        { "audience: the token endpoint (refused since OpenIddict 7.0)", "another audience" },
        { "audience: another host, same path", "another audience" },
        { "typ JWT (OpenIddict 7 wants client-authentication+jwt)", "of type 'JWT'" },
        { "audience: the introspection endpoint", "another audience" },
        { "audience: the API", "another audience" },
        { "no audience", "another audience" },
        { "iss another client", "iss and sub are not both the client_id" },
        { "sub another client", "iss and sub are not both the client_id" },
        { "iat a string", "malformed client assertion" },
        { "jti a JSON number", "malformed client assertion" },
        { "iss and sub another client than client_id", "iss and sub are not both the client_id" },
        { "signed by another client's key", "signed by none of the client's public keys" },
        { "signed by a key never registered", "signed by none of the client's public keys" },
        { "signed by its revoked key", "signed with its revoked public key" },
        { "signed by its expired key", "signed with its expired public key" },
        { "alg none", "algorithm 'none'" },
        { "HS256 with the public PEM as secret", "algorithm 'HS256'" },
        { "HS256 with the public JWK as secret", "algorithm 'HS256'" },
        { "unknown client", "unknown client" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusedAssertion_IsAnsweredAsAWrongSecret_AndTheReasonIsLogged(string wrong, string reason)
    {
        using var key = ClientKey.Rsa();
        var (client, credentialId) = await app.RegisterKeyOnlyClientAsync(key);
        var (other, _) = await app.RegisterKeyOnlyClientAsync(ClientKey.EcP256());
        var now = DateTimeOffset.UtcNow;
        var clientId = client.ClientId;
        var assertion = wrong switch
        {
            "no jti" => key.Assertion(clientId, change: c => c.Remove(JwtRegisteredClaimNames.Jti)),
            "jti too long" => key.Assertion(clientId, change: c => c[JwtRegisteredClaimNames.Jti] = new string('j', 201)),
            "no exp" => key.Assertion(clientId, change: c => c.Remove(JwtRegisteredClaimNames.Exp)),
            "expired" => key.Assertion(clientId, change: c => (c[JwtRegisteredClaimNames.Iat], c[JwtRegisteredClaimNames.Exp]) = (now.AddMinutes(-3).ToUnixTimeSeconds(), now.AddMinutes(-2).ToUnixTimeSeconds())),
            "lives too long" => key.Assertion(clientId, change: c => c[JwtRegisteredClaimNames.Exp] = now.AddMinutes(6).ToUnixTimeSeconds()),
            "lives too long, no iat" => key.Assertion(clientId, change: c =>
            {
                c.Remove(JwtRegisteredClaimNames.Iat);
                c[JwtRegisteredClaimNames.Exp] = now.AddMinutes(10).ToUnixTimeSeconds();
            }),
            "issued in the future" => key.Assertion(clientId, change: c => (c[JwtRegisteredClaimNames.Iat], c[JwtRegisteredClaimNames.Exp]) = (now.AddMinutes(2).ToUnixTimeSeconds(), now.AddMinutes(3).ToUnixTimeSeconds())),
            "audience: the token endpoint (refused since OpenIddict 7.0)" => key.Assertion(clientId, audience: ClientKey.TokenEndpointUrl),
            "audience: another host, same path" => key.Assertion(clientId, audience: "https://attacker.example/"),
            "typ JWT (OpenIddict 7 wants client-authentication+jwt)" => key.Assertion(clientId, type: "JWT"),
            "audience: the introspection endpoint" => key.Assertion(clientId, audience: "http://localhost/connect/introspect"),
            "audience: the API" => key.Assertion(clientId, audience: "authclients-api"),
            "no audience" => key.Assertion(clientId, change: c => c.Remove(JwtRegisteredClaimNames.Aud)),
            "iss another client" => key.Assertion(clientId, change: c => c[JwtRegisteredClaimNames.Iss] = other.ClientId),
            "sub another client" => key.Assertion(clientId, change: c => c[JwtRegisteredClaimNames.Sub] = other.ClientId),
            "iat a string" => key.Assertion(clientId, change: c => c[JwtRegisteredClaimNames.Iat] = "just now"),
            "jti a JSON number" => key.Assertion(clientId, change: c => c[JwtRegisteredClaimNames.Jti] = Random.Shared.NextInt64()),
            "iss and sub another client than client_id" => key.Assertion(other.ClientId),
            "signed by another client's key" => await OtherClientsAssertionAsync(clientId),
            "signed by a key never registered" => ClientKey.EcP256().Assertion(clientId),
            "signed by its revoked key" => await AfterAsync(RevokeKeyAsync(client, credentialId), key.Assertion(clientId)),
            "signed by its expired key" => await AfterAsync(ExpireKeyAsync(client, credentialId), key.Assertion(clientId)),
            "alg none" => ClientKey.Sign(Claims(clientId), signing: null),
            "HS256 with the public PEM as secret" => ClientKey.Sign(Claims(clientId), Hmac(key.PublicPem)),
            "HS256 with the public JWK as secret" => ClientKey.Sign(Claims(clientId), Hmac(key.PublicJwk)),
            "unknown client" => key.Assertion("999999"),
            _ => throw new ArgumentOutOfRangeException(nameof(wrong), wrong, null),
        };
        var sentClientId = wrong == "unknown client" ? "999999" : clientId;

        var refused = await _http.RequestTokenWithAssertionAsync(sentClientId, assertion);
        var wrongSecret = await _http.RequestClientTokenAsync(client with { Secret = "not-the-secret" });

        AssertSameAnswer(wrongSecret, refused);
        var logged = app.LogLines.Where(line => line.Contains($"Client authentication failed for client_id {sentClientId}: ", StringComparison.Ordinal)).ToList();
        Assert.True(logged.Any(line => line.Contains(reason, StringComparison.Ordinal)), string.Join("\n", logged));
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefusedAsAWrongSecret()
    {
        using var key = ClientKey.EcP256();
        var (client, _) = await app.RegisterKeyOnlyClientAsync(key);
        var assertion = key.Assertion(client.ClientId);

        var first = await _http.RequestTokenWithAssertionAsync(client.ClientId, assertion);
        var replay = await _http.RequestTokenWithAssertionAsync(client.ClientId, assertion);

        Assert.False(first.IsError, first.Raw);
        AssertSameAnswer(await _http.RequestClientTokenAsync(client with { Secret = "not-the-secret" }), replay);
        Assert.Contains(app.LogLines, line => line.Contains($"client_id {client.ClientId}: replayed client assertion", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefusedByAnotherInstance_OnTheSameDatabase()
    {
        using var key = ClientKey.Rsa();
        var (client, _) = await app.RegisterKeyOnlyClientAsync(key);
        var assertion = key.Assertion(client.ClientId);
        await using var second = new AuthClientsAppFactory { Database = app.Database };

        var first = await _http.RequestTokenWithAssertionAsync(client.ClientId, assertion);
        var replay = await second.CreateClient().RequestTokenWithAssertionAsync(client.ClientId, assertion);
        var fresh = await second.CreateClient().RequestTokenWithAssertionAsync(client.ClientId, key.Assertion(client.ClientId));

        Assert.False(first.IsError, first.Raw);
        Assert.Equal("invalid_client", replay.ErrorCode());
        Assert.False(fresh.IsError, fresh.Raw);
    }

    [Fact]
    public async Task AKeyAddedThroughAnotherInstance_WorksAtOnce_WhereTheClientIsCached()
    {
        await using var here = new AuthClientsAppFactory { Settings = new Dictionary<string, string?> { ["OAuthServer:Performance:ClientCacheLifetime"] = "00:00:30" } };
        await using var other = new AuthClientsAppFactory { Database = here.Database };
        var http = here.CreateClient();
        using var first = ClientKey.Rsa();
        var (client, _) = await here.RegisterKeyOnlyClientAsync(first);
        Assert.False((await http.RequestTokenWithAssertionAsync(client.ClientId, first.Assertion(client.ClientId))).IsError); // cached here now
        using var added = ClientKey.EcP256();

        await other.AddPublicKeyAsync(client, added.PublicPem);
        var token = await http.RequestTokenWithAssertionAsync(client.ClientId, added.Assertion(client.ClientId));

        Assert.False(token.IsError, token.Raw);
    }

    [Fact]
    public async Task ExpiredUsedAssertions_AreDeleted_WhenTheNextOneIsRecorded()
    {
        using var key = ClientKey.EcP256();
        var (client, _) = await app.RegisterKeyOnlyClientAsync(key);
        await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.UsedClientAssertions.Add(new() { ClientId = client.ClientId, TokenId = "long-gone", ExpiresAt = DateTime.UtcNow.AddHours(-1) });
            await db.SaveChangesAsync();
        });

        // A new instance prunes on its first recorded assertion.
        await using var second = new AuthClientsAppFactory { Database = app.Database };
        var token = await second.CreateClient().RequestTokenWithAssertionAsync(client.ClientId, key.Assertion(client.ClientId));

        Assert.False(token.IsError, token.Raw);
        Assert.False(await app.WithServicesAsync(services =>
            services.GetRequiredService<AppDbContext>().UsedClientAssertions.AnyAsync(a => a.TokenId == "long-gone")));
    }

    [Fact]
    public async Task Introspection_AndRevocation_RefuseABadAssertion_AsAWrongSecret()
    {
        using var key = ClientKey.Rsa();
        var (client, _) = await app.RegisterKeyOnlyClientAsync(key);
        var token = (await _http.RequestTokenWithAssertionAsync(client.ClientId, key.Assertion(client.ClientId))).AccessToken!;
        var stranger = ClientKey.EcP256();

        var introspection = await IntrospectAsync(client, stranger.Assertion(client.ClientId), token);
        var wrongSecretIntrospection = await _http.IntrospectAsync(client with { Secret = "not-the-secret" }, token);
        var revocation = await RevokeAsync(client, key.Assertion(client.ClientId, change: c => c.Remove(JwtRegisteredClaimNames.Exp)), token);

        AssertSameAnswer(wrongSecretIntrospection, introspection);
        Assert.Equal(HttpStatusCode.Unauthorized, revocation.HttpStatusCode);
        Assert.Equal("invalid_client", revocation.ErrorCode());
        Assert.True((await IntrospectAsync(client, key.Assertion(client.ClientId), token)).IsActive);
    }

    private Task<TokenIntrospectionResponse> IntrospectAsync(RegisteredClient client, string assertion, string token) =>
        _http.IntrospectTokenAsync(new TokenIntrospectionRequest { Address = "/connect/introspect", Token = token }.WithAssertion(client.ClientId, assertion));

    private Task<TokenRevocationResponse> RevokeAsync(RegisteredClient client, string assertion, string token) =>
        _http.RevokeTokenAsync(new TokenRevocationRequest { Address = "/connect/revoke", Token = token }.WithAssertion(client.ClientId, assertion));

    private async Task<string> OtherClientsAssertionAsync(string clientId)
    {
        using var otherKey = ClientKey.Rsa();
        await app.RegisterKeyOnlyClientAsync(otherKey);
        return otherKey.Assertion(clientId);
    }

    private static async Task<string> AfterAsync(Task change, string assertion)
    {
        await change;
        return assertion;
    }

    private Task<ChangeResult> RevokeKeyAsync(RegisteredClient client, string credentialId) =>
        app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>().RevokeAsync(client.Id, credentialId));

    /// <summary>The key's expiry passes (written to the row, as time would), and this instance forgets its copy.</summary>
    private Task ExpireKeyAsync(RegisteredClient client, string credentialId) =>
        app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<AppDbContext>().AuthClientCredentials.Where(c => c.Id == credentialId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)));
            services.GetRequiredService<AuthClientCache>().Remove(client.ClientId);
        });

    private static Dictionary<string, object> Claims(string clientId) => new()
    {
        [JwtRegisteredClaimNames.Iss] = clientId,
        [JwtRegisteredClaimNames.Sub] = clientId,
        [JwtRegisteredClaimNames.Aud] = ClientKey.Issuer,
        [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        [JwtRegisteredClaimNames.Iat] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        [JwtRegisteredClaimNames.Exp] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds(),
    };

    private static SigningCredentials Hmac(string publicKeyText) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKeyText)), SecurityAlgorithms.HmacSha256);

    /// <summary>The same status and the same body (error, description, URI) as the wrong secret.</summary>
    private static void AssertSameAnswer(ProtocolResponse wrongSecret, ProtocolResponse refused)
    {
        Assert.Equal("invalid_client", wrongSecret.ErrorCode());
        Assert.Equal(wrongSecret.HttpStatusCode, refused.HttpStatusCode);
        Assert.Equal(Body(wrongSecret), Body(refused));
    }

    private static string Body(ProtocolResponse response)
    {
        using var body = JsonDocument.Parse(response.Raw!);
        return string.Join("\n", body.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
    }
}
