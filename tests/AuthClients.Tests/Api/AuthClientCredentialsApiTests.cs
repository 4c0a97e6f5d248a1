using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Api;

/// <summary>/api/1.0/auth-clients/{client_id}/credentials as an API consumer uses it, with tokens from our own token endpoint.</summary>
public sealed class AuthClientCredentialsApiTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    private static string Route(RegisteredClient client) => $"/api/1.0/auth-clients/{client.ClientId}/credentials";

    [Fact]
    public async Task List_ShowsEveryCredential_NeverASecret()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read");

        var response = await _http.SendBearerAsync(HttpMethod.Get, Route(client), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(client.Secret, text, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        var credential = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("secret", credential.GetProperty("kind").GetString());
        Assert.Equal("active", credential.GetProperty("state").GetString());
        foreach (var member in new[] { "id", "label", "created_at", "created_by", "expires_at", "revoked_at", "last_used_at", "last_used_from", "key_id" })
        {
            Assert.True(credential.TryGetProperty(member, out _), member);
        }
    }

    [Fact]
    public async Task RotatingTheSecret_ReturnsItOnce_KeepsThePreviousForTheGracePeriod_AuditsTheIssue_AndLogsNeither()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.UserApiTokenAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var before = DateTime.UtcNow;

        var response = await _http.SendBearerAsync(HttpMethod.Post, Route(client), token, new { kind = "secret", grace_period = "P1D", label = "rotated by the pipeline" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var secret = body.RootElement.GetProperty("client_secret").GetString()!;
        var credential = body.RootElement.GetProperty("credential");
        Assert.Equal("P1D", body.RootElement.GetProperty("grace_period").GetString());
        var previousValidUntil = body.RootElement.GetProperty("previous_valid_until").GetDateTime();
        Assert.InRange(previousValidUntil, before.AddDays(1).AddMinutes(-1), DateTime.UtcNow.AddDays(1).AddMinutes(1));
        Assert.Equal("rotated by the pipeline", credential.GetProperty("label").GetString());
        Assert.Equal($"{Route(client)}/{credential.GetProperty("id").GetString()}", response.Headers.Location!.OriginalString);

        // Both work during the grace period; the list shows two secrets and neither value.
        Assert.False((await _http.RequestClientTokenAsync(client)).IsError);
        Assert.False((await _http.RequestClientTokenAsync(client with { Secret = secret })).IsError);
        var list = await (await _http.SendBearerAsync(HttpMethod.Get, Route(client), token)).Content.ReadAsStringAsync();
        Assert.Equal(2, JsonDocument.Parse(list).RootElement.GetProperty("data").GetArrayLength());
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);

        Assert.Equal(1, await AuditCountAsync(client, "auth-client.secret-issued"));
        Assert.Equal(1, await AuditCountAsync(client, "auth-client.secret-rotated"));
        Assert.DoesNotContain(app.LogLines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotatingWithNoGracePeriod_EndsThePreviousSecretAtOnce()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");

        var response = await _http.SendBearerAsync(HttpMethod.Post, Route(client), token, new { kind = "secret", grace_period = "PT0S" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("PT0S", body.RootElement.GetProperty("grace_period").GetString());
        Assert.Equal("invalid_client", (await _http.RequestClientTokenAsync(client)).ErrorCode());
        Assert.False((await _http.RequestClientTokenAsync(client with { Secret = body.RootElement.GetProperty("client_secret").GetString()! })).IsError);
    }

    [Fact]
    public async Task AddingAPublicKey_LetsTheClientAuthenticateWithIt()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        using var key = ClientKey.EcP256();

        var response = await _http.SendBearerAsync(HttpMethod.Post, Route(client), token, new { kind = "public_key", key = key.PublicJwk, label = "pipeline key", expires_at = DateTime.UtcNow.AddDays(90) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var credential = body.RootElement.GetProperty("credential");
        Assert.Equal("public_key", credential.GetProperty("kind").GetString());
        Assert.Equal("pipeline key", credential.GetProperty("label").GetString());
        Assert.False(string.IsNullOrEmpty(credential.GetProperty("key_id").GetString()));
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("client_secret").ValueKind);
        var signed = await _http.RequestTokenWithAssertionAsync(client.ClientId, key.Assertion(client.ClientId));
        Assert.False(signed.IsError, signed.Raw);
    }

    public static TheoryData<string, object, string, string> BadRequests => new()
    {
        { "private key", new { kind = "public_key", key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }, "key", PublicKeys.PrivateKeyMessage },
        { "garbage key", new { kind = "public_key", key = "not a key" }, "key", PublicKeys.MalformedMessage },
        { "no key", new { kind = "public_key" }, "key", PublicKeys.MissingMessage },
        { "unknown kind", new { kind = "password" }, "kind", "Unknown kind 'password'" },
        { "grace period not a duration", new { kind = "secret", grace_period = "7 days" }, "grace_period", "not an ISO 8601 duration" },
        { "grace period not offered", new { kind = "secret", grace_period = "P2D" }, "grace_period", AuthClientCredentials.GracePeriodMessage },
        { "key with a secret", new { kind = "secret", key = "x" }, "key", "A key is sent with kind public_key" },
        { "expiry in the past", new { kind = "public_key", key = ClientKey.EcP256().PublicPem, expires_at = DateTime.UtcNow.AddDays(-1) }, "expires_at", AuthClientCredentials.PastExpiryMessage },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_IsAProblemNamingTheField(string what, object request, string field, string message)
    {
        var client = await app.RegisterClientAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");

        var response = await _http.SendBearerAsync(HttpMethod.Post, Route(client), token, request);

        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, what);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = body.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!);
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revoking_EndsTheCredentialAtOnce_AndTwiceIsAConflict()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        using var list = JsonDocument.Parse(await (await _http.SendBearerAsync(HttpMethod.Get, Route(client), token)).Content.ReadAsStringAsync());
        var credentialId = list.RootElement.GetProperty("data")[0].GetProperty("id").GetString();

        var revoked = await _http.SendBearerAsync(HttpMethod.Post, $"{Route(client)}/{credentialId}/revoke", token);
        var again = await _http.SendBearerAsync(HttpMethod.Post, $"{Route(client)}/{credentialId}/revoke", token);
        var unknown = await _http.SendBearerAsync(HttpMethod.Post, $"{Route(client)}/no-such-credential/revoke", token);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var body = JsonDocument.Parse(await revoked.Content.ReadAsStringAsync());
        Assert.Equal("revoked", body.RootElement.GetProperty("state").GetString());
        Assert.Equal("invalid_client", (await _http.RequestClientTokenAsync(client)).ErrorCode());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ReadScope_Lists_ButCannotRotateAddOrRevoke_AndNoTokenIs401()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read");

        Assert.Equal(HttpStatusCode.OK, (await _http.SendBearerAsync(HttpMethod.Get, Route(client), token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendBearerAsync(HttpMethod.Post, Route(client), token, new { kind = "secret" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendBearerAsync(HttpMethod.Post, $"{Route(client)}/any/revoke", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(Route(client))).StatusCode);
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("public_key")]
    public async Task ACallerWithoutTheClientsRights_MayNotTakeASecretOrAddAKey(string kind)
    {
        // The target can read and write auth clients; the caller can only write: a secret or a key of the target would give it read.
        var target = await app.RegisterClientAsync(scopes: ["auth_clients.read", "auth_clients.write"]);
        var token = await app.ClientAccessTokenAsync("auth_clients.write");
        using var key = ClientKey.EcP256();

        var response = await _http.SendBearerAsync(HttpMethod.Post, Route(target), token, kind == "secret" ? new { kind } : new { kind, key = key.PublicPem });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await ActiveCredentialsAsync(target));
    }

    [Fact]
    public async Task UnknownClient_Is404_AndAPublicClient_HasNoCredentialsToAdd()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var unknown = new RegisteredClient("", "999999", "");
        var publicClient = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, isPublic: true);

        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendBearerAsync(HttpMethod.Get, Route(unknown), token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendBearerAsync(HttpMethod.Post, Route(unknown), token, new { kind = "secret" })).StatusCode);
        var toPublic = await _http.SendBearerAsync(HttpMethod.Post, Route(publicClient), token, new { kind = "secret" });
        Assert.Equal(HttpStatusCode.Conflict, toPublic.StatusCode);
    }

    private Task<int> AuditCountAsync(RegisteredClient client, string action) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
            .CountAsync(r => r.TargetType == "auth-client" && r.TargetId == client.ClientId && r.Action == action));

    private Task<int> ActiveCredentialsAsync(RegisteredClient client) =>
        app.WithServicesAsync(async services => (await services.GetRequiredService<AuthClientCredentials>().ListAsync(client.Id))!.Count(c => c.IsActive));
}
