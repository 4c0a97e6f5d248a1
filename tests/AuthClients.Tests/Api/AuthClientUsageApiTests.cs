using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Api;

/// <summary>
/// What the API tells about a client's use and its first secret: last used on the resource and the
/// list, the list's filters (used-24h, unused, expiring, enabled, disabled), and the first secret's label and expiry on create.
/// </summary>
public sealed class AuthClientUsageApiTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Route = "/api/1.0/auth-clients";
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task Resource_AndList_ShowWhenAndFromWhereTheClientWasLastUsed()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read");
        var client = await app.RegisterClientAsync(name: $"used-{Guid.NewGuid():N}");
        using (var before = await GetJsonAsync($"{Route}/{client.ClientId}", token))
        {
            Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty("last_used_at").ValueKind);
        }

        Assert.False((await _http.RequestClientTokenAsync(client)).IsError);
        Assert.True(await app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());

        using var after = await GetJsonAsync($"{Route}/{client.ClientId}", token);
        // With its zone, on every database (SQLite gives times back without one).
        Assert.EndsWith("Z", after.RootElement.GetProperty("last_used_at").GetString(), StringComparison.Ordinal);
        var lastUsed = after.RootElement.GetProperty("last_used_at").GetDateTime();
        Assert.InRange(lastUsed, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow);
        using var list = await GetJsonAsync($"{Route}?search={client.ClientId}", token);
        var entry = Assert.Single(list.RootElement.GetProperty("data").EnumerateArray(), e => e.GetProperty("client_id").GetString() == client.ClientId);
        Assert.Equal(lastUsed, entry.GetProperty("last_used_at").GetDateTime());
        Assert.EndsWith("Z", entry.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.True(entry.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task ListFilters_UnusedAndDisabled_SelectThoseClients()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read");
        var marker = Guid.NewGuid().ToString("N");
        var recent = await app.RegisterClientAsync(name: $"recent-{marker}");
        var idle = await app.RegisterClientAsync(name: $"idle-{marker}");
        var off = await app.RegisterClientAsync(name: $"off-{marker}");
        await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.AuthClients.Where(a => a.Id == recent.Id).ExecuteUpdateAsync(a => a.SetProperty(x => x.LastUsedAt, DateTime.UtcNow.AddDays(-1)));
            await db.AuthClients.Where(a => a.Id == idle.Id).ExecuteUpdateAsync(a => a.SetProperty(x => x.LastUsedAt, DateTime.UtcNow.AddDays(-91)));
            await db.AuthClients.Where(a => a.Id == off.Id).ExecuteUpdateAsync(a => a
                .SetProperty(x => x.LastUsedAt, DateTime.UtcNow.AddDays(-1)).SetProperty(x => x.IsEnabled, false));
        });

        Assert.Equal([idle.ClientId], await ClientIdsAsync($"{Route}?search={marker}&filter=unused", token));
        Assert.Equal([off.ClientId], await ClientIdsAsync($"{Route}?search={marker}&filter=disabled", token));
        Assert.Equal(3, (await ClientIdsAsync($"{Route}?search={marker}", token)).Count);
    }

    [Fact]
    public async Task ListFilters_UsedIn24HoursExpiringAndEnabled_SelectThoseClients()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read");
        var marker = Guid.NewGuid().ToString("N");
        var recent = await app.RegisterClientAsync(name: $"recent-{marker}");
        var expiring = await app.RegisterClientAsync(name: $"expiring-{marker}");
        var off = await app.RegisterClientAsync(name: $"off-{marker}");
        await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.AuthClients.Where(a => a.Id == recent.Id).ExecuteUpdateAsync(a => a.SetProperty(x => x.LastUsedAt, DateTime.UtcNow.AddHours(-2)));
            await db.AuthClients.Where(a => a.Id == off.Id).ExecuteUpdateAsync(a => a
                .SetProperty(x => x.LastUsedAt, DateTime.UtcNow.AddHours(-30)).SetProperty(x => x.IsEnabled, false));
            await db.AuthClientCredentials.Where(c => c.ApplicationId == expiring.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddDays(5)));
        });

        Assert.Equal([recent.ClientId], await ClientIdsAsync($"{Route}?search={marker}&filter=used-24h", token));
        Assert.Equal([expiring.ClientId], await ClientIdsAsync($"{Route}?search={marker}&filter=expiring", token));
        Assert.Equal([expiring.ClientId, recent.ClientId], await ClientIdsAsync($"{Route}?search={marker}&filter=enabled", token));
    }

    [Fact]
    public async Task Create_WithTheFirstSecretsLabelAndExpiry_StoresThem_AndRefusesAPastExpiry()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var expires = DateTime.UtcNow.Date.AddDays(30);

        var create = await _http.SendBearerAsync(HttpMethod.Post, Route, token,
            new { name = $"expiring-{Guid.NewGuid():N}", grant_types = new[] { "client_credentials" }, secret_label = "CI", secret_expires_at = expires });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        using var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync());
        var clientId = created.RootElement.GetProperty("client_id").GetString()!;
        var credential = await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var id = await db.AuthClients.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync();
            return await db.AuthClientCredentials.AsNoTracking().SingleAsync(c => c.ApplicationId == id);
        });
        Assert.Equal(("CI", expires), (credential.Label, credential.ExpiresAt!.Value));

        var past = await _http.SendBearerAsync(HttpMethod.Post, Route, token,
            new { name = $"past-{Guid.NewGuid():N}", grant_types = new[] { "client_credentials" }, secret_expires_at = DateTime.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("The expiry must be in the future.", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonDocument> GetJsonAsync(string url, string token)
    {
        var response = await _http.SendBearerAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<List<string>> ClientIdsAsync(string url, string token)
    {
        using var list = await GetJsonAsync(url, token);
        return [.. list.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("client_id").GetString()!)];
    }
}
