using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The audit trail: each create, edit, delete, secret copy and regeneration leaves a record of who,
/// when (UTC), from which address, on which client and, for edits, which fields changed; a secret
/// handed to an API caller, a record that it was issued. Never the secret.
/// </summary>
public sealed class AuthClientAuditTests : IClassFixture<AuthClientsAppFactory>
{
    private const string ClientAddress = "203.0.113.7";
    private const string ApiRoute = "/api/1.0/auth-clients";
    private readonly AuthClientsAppFactory _app;

    public AuthClientAuditTests(AuthClientsAppFactory app)
    {
        _app = app;
        _app.RemoteIpAddress = IPAddress.Parse(ClientAddress);
    }

    [Fact]
    public async Task Create_WritesAnAuditRecordWithTheNewValues()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var since = await MarkAsync();
        var name = NewName();

        await browser.CreateClientAsync(name, authorizationCode: true, redirectUris: "https://audit.example.com/cb");

        var clientId = await ClientIdAsync(browser, name);
        var record = await SingleRecordAsync(clientId, "auth-client.created", since);
        var changes = Changes(record);
        Assert.Equal(name, To(changes, "name").GetString());
        Assert.Equal(["https://audit.example.com/cb"], To(changes, "redirect_uris").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["authorization_code", "client_credentials"], To(changes, "grant_types").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Edit_WritesAnAuditRecordWithTheChangedFieldsOnly()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = await ClientIdAsync(browser, name);
        var since = await MarkAsync();
        var renamed = NewName();

        Assert.Equal(HttpStatusCode.Redirect, (await browser.EditClientAsync(id, renamed, password: true)).StatusCode);

        var record = await SingleRecordAsync(clientId, "auth-client.updated", since);
        var changes = Changes(record);
        Assert.Equal(["grant_types", "name"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(name, Field(changes["name"], "from").GetString());
        Assert.Equal(renamed, Field(changes["name"], "to").GetString());
        Assert.Equal(["client_credentials"], Field(changes["grant_types"], "from").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["client_credentials", "password"], Field(changes["grant_types"], "to").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Edit_DisablingAndALifetime_AreInTheUpdateRecord_AndEnablingAgainToo()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = await ClientIdAsync(browser, name);
        var since = await MarkAsync();

        var page = await browser.OpenEditPageAsync(id);
        var saved = await browser.SaveEditAsync(id, page, AuthClientPages.Form(name)
            .Append(new("Form.Enabled", "false")).Append(new("Form.AccessTokenLifetime", "300")));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var changes = Changes(await SingleRecordAsync(clientId, "auth-client.updated", since));
        Assert.Equal(["access_token_lifetime_seconds", "enabled"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.True(Field(changes["enabled"], "from").GetBoolean());
        Assert.False(Field(changes["enabled"], "to").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Field(changes["access_token_lifetime_seconds"], "from").ValueKind);
        Assert.Equal(300, Field(changes["access_token_lifetime_seconds"], "to").GetInt64());

        var again = await MarkAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SaveEditAsync(id, await browser.OpenEditPageAsync(id),
            AuthClientPages.Form(name).Append(new("Form.Enabled", "true")).Append(new("Form.AccessTokenLifetime", "300")))).StatusCode);
        var enabled = Changes(await SingleRecordAsync(clientId, "auth-client.updated", again));
        Assert.Equal(["enabled"], enabled.Keys);
        Assert.True(Field(enabled["enabled"], "to").GetBoolean());
    }

    [Fact]
    public async Task UpdateThroughTheApi_EnabledFalse_IsInTheUpdateRecord()
    {
        var token = await _app.UserApiTokenAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var api = _app.CreateClient();
        var name = NewName();
        var (clientId, _) = await ClientAndSecretAsync(
            await api.SendBearerAsync(HttpMethod.Post, ApiRoute, token, new { name, grant_types = new[] { "client_credentials" } }));
        var since = await MarkAsync();

        var updated = await api.SendBearerAsync(HttpMethod.Put, $"{ApiRoute}/{clientId}", token, new { name, grant_types = new[] { "client_credentials" }, enabled = false });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var changes = Changes(await SingleRecordAsync(clientId, "auth-client.updated", since));
        Assert.Equal(["enabled"], changes.Keys);
        Assert.False(Field(changes["enabled"], "to").GetBoolean());
    }

    [Fact]
    public async Task Edit_RefusedForAConflict_WritesNoAuditRecord()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = await ClientIdAsync(browser, name);
        var outdated = await browser.OpenEditPageAsync(id);
        await browser.EditClientAsync(id, NewName());
        var since = await MarkAsync();

        Assert.Equal(HttpStatusCode.OK, (await browser.SaveEditAsync(id, outdated, AuthClientPages.Form(NewName()))).StatusCode);

        Assert.Empty(await RecordsAsync(clientId, "auth-client.updated", since));
    }

    [Fact]
    public async Task Delete_WritesAnAuditRecordWithTheName()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = await ClientIdAsync(browser, name);
        var secret = await browser.CopySecretAsync(id);
        var since = await MarkAsync();

        await browser.DeleteClientAsync(id);

        var record = await SingleRecordAsync(clientId, "auth-client.deleted", since);
        Assert.Equal(name, Field(Changes(record)["name"], "from").GetString());
        await AssertNoRecordHoldsAsync(clientId, secret);
    }

    [Fact]
    public async Task CopySecret_WritesAnAuditRecordWithoutTheSecret()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = await ClientIdAsync(browser, name);
        var since = await MarkAsync();

        var secret = await browser.CopySecretAsync(id);

        await SingleRecordAsync(clientId, "auth-client.secret-copied", since);
        await AssertNoRecordHoldsAsync(clientId, secret);
    }

    [Fact]
    public async Task RegenerateSecret_WritesAnAuditRecordWithoutEitherSecret()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = await ClientIdAsync(browser, name);
        var old = await browser.CopySecretAsync(id);
        var since = await MarkAsync();

        await browser.RegenerateSecretAsync(id);

        await SingleRecordAsync(clientId, "auth-client.secret-regenerated", since);
        await AssertNoRecordHoldsAsync(clientId, old, await browser.CopySecretAsync(id));
    }

    [Fact]
    public async Task CreateThroughTheApi_RecordsTheCreationAndTheSecretIssuedToTheCaller_NotACopy()
    {
        var token = await _app.UserApiTokenAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var since = await MarkAsync();

        var created = await _app.CreateClient().SendBearerAsync(HttpMethod.Post, ApiRoute, token, new { name = NewName(), grant_types = new[] { "client_credentials" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (clientId, secret) = await ClientAndSecretAsync(created);
        await SingleRecordAsync(clientId, "auth-client.created", since);
        await SingleRecordAsync(clientId, "auth-client.secret-issued", since);
        Assert.Empty(await RecordsAsync(clientId, "auth-client.secret-copied", since));
        await AssertNoRecordHoldsAsync(clientId, secret);
    }

    [Fact]
    public async Task RegenerateSecretThroughTheApi_RecordsTheRegenerationAndTheSecretIssuedToTheCaller_NotACopy()
    {
        var token = await _app.UserApiTokenAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var api = _app.CreateClient();
        var (clientId, old) = await ClientAndSecretAsync(
            await api.SendBearerAsync(HttpMethod.Post, ApiRoute, token, new { name = NewName(), grant_types = new[] { "client_credentials" } }));
        var since = await MarkAsync();

        var regenerated = await api.SendBearerAsync(HttpMethod.Post, $"{ApiRoute}/{clientId}/secret", token);

        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        var (_, secret) = await ClientAndSecretAsync(regenerated);
        await SingleRecordAsync(clientId, "auth-client.secret-regenerated", since);
        await SingleRecordAsync(clientId, "auth-client.secret-issued", since);
        Assert.Empty(await RecordsAsync(clientId, "auth-client.secret-copied", since));
        await AssertNoRecordHoldsAsync(clientId, old, secret);
    }

    [Fact]
    public async Task CreateThroughTheApi_WithAClientsOwnToken_RecordsThatClientAsTheActor()
    {
        var caller = await _app.RegisterClientAsync(scopes: ["auth_clients.write"]);
        var api = _app.CreateClient();
        var token = await api.RequestClientCredentialsTokenAsync(caller, "auth_clients.write");
        var since = await MarkAsync();

        var created = await api.SendBearerAsync(HttpMethod.Post, ApiRoute, token, new { name = NewName(), grant_types = new[] { "client_credentials" } });

        var (clientId, _) = await ClientAndSecretAsync(created);
        await SingleRecordAsync(clientId, "auth-client.created", since, (AuditService.ClientActorPrefix + caller.ClientId, $"client {caller.ClientId}"));
        await SingleRecordAsync(clientId, "auth-client.secret-issued", since, (AuditService.ClientActorPrefix + caller.ClientId, $"client {caller.ClientId}"));
    }

    private static async Task<(string ClientId, string Secret)> ClientAndSecretAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("client_id").GetString()!, body.RootElement.GetProperty("client_secret").GetString()!);
    }

    private static string NewName() => $"client {Guid.NewGuid():N}";

    private static Task<string> ClientIdAsync(HttpClient browser, string name) => browser.FindClientIdAsync(name);

    /// <summary>The client's records of this action written after <paramref name="since"/> was taken.</summary>
    private Task<List<AuditRecord>> RecordsAsync(string clientId, string action, Mark since) =>
        _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
            .Where(r => r.TargetType == "auth-client" && r.TargetId == clientId && r.Action == action && r.Id > since.LastRecordId)
            .ToListAsync());

    /// <summary>A point in the audit trail: the last record written so far, and the UTC time.</summary>
    private sealed record Mark(long LastRecordId, DateTime Time);

    private Task<Mark> MarkAsync() =>
        _app.WithServicesAsync(async services => new Mark(
            await services.GetRequiredService<AppDbContext>().AuditRecords.MaxAsync(r => (long?)r.Id) ?? 0,
            DateTime.UtcNow));

    /// <summary>The one record of the action, checked for who (by default the administrator), when and from where.</summary>
    private async Task<AuditRecord> SingleRecordAsync(string clientId, string action, Mark since, (string? Id, string Name)? actor = null)
    {
        var until = DateTime.UtcNow;
        var record = Assert.Single(await RecordsAsync(clientId, action, since));
        var admin = await _app.WithServicesAsync(services =>
            services.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(AuthClientsAppFactory.AdminEmail));
        var (actorId, actorName) = actor ?? (admin!.Id, AuthClientsAppFactory.AdminEmail);
        Assert.Equal(actorId, record.ActorId);
        // A person acting through a token is named with the client they used ("… (through client 3)").
        Assert.StartsWith(actorName, record.ActorName, StringComparison.Ordinal);
        Assert.Equal(ClientAddress, record.IpAddress);
        Assert.InRange(record.OccurredAt, since.Time, until);
        return record;
    }

    private async Task AssertNoRecordHoldsAsync(string clientId, params string[] secrets)
    {
        var records = await _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
            .Where(r => r.TargetId == clientId).ToListAsync());
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = JsonSerializer.Serialize(record);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    private static Dictionary<string, JsonElement> Changes(AuditRecord record)
    {
        Assert.NotNull(record.Changes);
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(record.Changes)!;
    }

    private static JsonElement To(Dictionary<string, JsonElement> changes, string field) => Field(changes[field], "to");

    /// <summary>"from" or "to" of a field change, whatever the letter case of the stored JSON.</summary>
    private static JsonElement Field(JsonElement change, string name) =>
        change.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
