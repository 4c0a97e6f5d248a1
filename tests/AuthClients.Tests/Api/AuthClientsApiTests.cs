using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Api;

/// <summary>/api/1.0/auth-clients as an API consumer uses it, with tokens from our own token endpoint.</summary>
public sealed class AuthClientsApiTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Route = "/api/1.0/auth-clients";
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task WithoutToken_Is401WithBearerChallenge()
    {
        var response = await _http.GetAsync(Route);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task ClientToken_WithoutScope_Is403()
    {
        var token = await ClientTokenAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, Route, token)).StatusCode);
    }

    [Fact]
    public async Task ClientToken_WithReadScope_ListsAndGets_ButCannotWrite()
    {
        var existing = await app.RegisterClientAsync(name: $"listed-{Guid.NewGuid():N}");
        var token = await ClientTokenAsync("auth_clients.read");

        var list = await SendAsync(HttpMethod.Get, $"{Route}?search={existing.ClientId}", token);
        var one = await SendAsync(HttpMethod.Get, $"{Route}/{existing.ClientId}", token);
        var create = await SendAsync(HttpMethod.Post, Route, token, new { name = "nope", grant_types = new[] { "client_credentials" } });

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var listBody = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Contains(listBody.RootElement.GetProperty("data").EnumerateArray(), c => c.GetProperty("client_id").GetString() == existing.ClientId);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.DoesNotContain(existing.Secret, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(existing.Secret, await one.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_FollowingMetaNext_VisitsEveryMatchOnce_InTheListOrder()
    {
        var tag = $"api{Guid.NewGuid():N}"[..12];
        for (var i = 1; i <= 25; i++)
        {
            await app.SeedClientAsync($"{tag} {i:D2}");
        }

        var token = await ClientTokenAsync("auth_clients.read");
        var list = $"{Route}?search={tag}&sort=name&dir=desc";
        using var all = await GetJsonAsync($"{list}&per_page=100", token);
        var everyClient = ClientIds(all);

        var walked = new List<string>();
        var (page, next) = (1, (string?)null);
        do
        {
            using var body = await GetJsonAsync($"{list}&per_page=10&page={page}" + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}"), token);
            walked.AddRange(ClientIds(body));
            next = body.RootElement.GetProperty("meta").GetProperty("next").GetString();
            page++;
        }
        while (next is not null);

        Assert.Equal(4, page);
        Assert.Equal(25, everyClient.Count);
        Assert.Equal(everyClient, walked);
    }

    private async Task<JsonDocument> GetJsonAsync(string url, string token)
    {
        var response = await SendAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static List<string> ClientIds(JsonDocument body) =>
        body.RootElement.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("client_id").GetString()!).ToList();

    [Fact]
    public async Task ClientToken_WithWriteScope_CreatesUpdatesRegeneratesAndDeletes()
    {
        var token = await ClientTokenAsync("auth_clients.read", "auth_clients.write");
        var name = $"api-made-{Guid.NewGuid():N}";

        var create = await SendAsync(HttpMethod.Post, Route, token, new { name, grant_types = new[] { "client_credentials" } });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal("no-store", create.Headers.CacheControl?.ToString());
        using var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync());
        var clientId = created.RootElement.GetProperty("client_id").GetString()!;
        var secret = created.RootElement.GetProperty("client_secret").GetString()!;
        Assert.Equal($"/api/1.0/auth-clients/{clientId}", create.Headers.Location!.OriginalString);
        Assert.False((await RequestTokenAsync(clientId, secret)).IsError);

        var update = await SendAsync(HttpMethod.Put, $"{Route}/{clientId}", token, new { name = name + "-renamed", grant_types = new[] { "client_credentials", "password" } });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        using var updated = JsonDocument.Parse(await update.Content.ReadAsStringAsync());
        Assert.Equal(name + "-renamed", updated.RootElement.GetProperty("name").GetString());

        var regenerate = await SendAsync(HttpMethod.Post, $"{Route}/{clientId}/secret", token);
        using var regenerated = JsonDocument.Parse(await regenerate.Content.ReadAsStringAsync());
        var newSecret = regenerated.RootElement.GetProperty("client_secret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        Assert.Equal("invalid_client", (await RequestTokenAsync(clientId, secret)).ErrorCode());
        Assert.False((await RequestTokenAsync(clientId, newSecret)).IsError);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"{Route}/{clientId}", token)).StatusCode);
        var gone = await SendAsync(HttpMethod.Get, $"{Route}/{clientId}", token);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Create_WithInvalidBody_IsProblemDetailsNamingTheFields()
    {
        var token = await ClientTokenAsync("auth_clients.write");

        var response = await SendAsync(HttpMethod.Post, Route, token, new { name = "", grant_types = new[] { "authorization_code" }, redirect_uris = new[] { "javascript:alert(1)" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("redirect_uris", out _), errors.ToString());
    }

    [Fact]
    public async Task Create_WithDuplicateName_Is400OnName()
    {
        var existing = $"taken-{Guid.NewGuid():N}";
        await app.RegisterClientAsync(name: existing);
        var token = await ClientTokenAsync("auth_clients.write");

        var response = await SendAsync(HttpMethod.Post, Route, token, new { name = existing.ToUpperInvariant(), grant_types = new[] { "client_credentials" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Name must be unique", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_WithStaleIfMatch_Is412AndChangesNothing()
    {
        var token = await ClientTokenAsync("auth_clients.read", "auth_clients.write");
        var target = await app.RegisterClientAsync(name: $"guarded-{Guid.NewGuid():N}");

        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Route}/{target.ClientId}") { Content = JsonContent.Create(new { name = "overwritten", grant_types = new[] { "client_credentials" } }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"stale\""));
        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var current = await SendAsync(HttpMethod.Get, $"{Route}/{target.ClientId}", token);
        Assert.DoesNotContain("overwritten", await current.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "view-auth_clients" }, HttpStatusCode.OK, HttpStatusCode.Forbidden)]
    [InlineData(new[] { "view-auth_clients", "create-auth_clients" }, HttpStatusCode.OK, HttpStatusCode.Created)]
    [InlineData(new[] { "create-auth_clients" }, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(new string[0], HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    public async Task UserToken_IsHeldToTheUsersPermissions(string[] permissions, HttpStatusCode list, HttpStatusCode create)
    {
        var email = await app.CreateUserAsync(permissions: permissions);
        var token = await app.UserApiTokenAsync(email);

        Assert.Equal(list, (await SendAsync(HttpMethod.Get, Route, token)).StatusCode);
        Assert.Equal(create, (await SendAsync(HttpMethod.Post, Route, token, new { name = $"by-user-{Guid.NewGuid():N}", grant_types = new[] { "client_credentials" } })).StatusCode);
    }

    [Fact]
    public async Task UserToken_OfSuperAdmin_CanDelete()
    {
        var victim = await app.RegisterClientAsync();
        var token = await app.UserApiTokenAsync(await app.CreateUserAsync(superAdmin: true));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"{Route}/{victim.ClientId}", token)).StatusCode);
    }

    private Task<string> ClientTokenAsync(params string[] scopes) => app.ClientAccessTokenAsync(scopes);

    /// <summary>A person's token, through a client with the (legacy) password grant and both API scopes.</summary>
    private async Task<string> UserTokenAsync(string email)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read", "auth_clients.write"]);
        var token = await _http.RequestPasswordTokenAsync(client, email, AuthClientsAppFactory.UserPassword, "auth_clients.read auth_clients.write");
        Assert.False(token.IsError, token.Raw);
        return token.AccessToken!;
    }

    private Task<TokenResponse> RequestTokenAsync(string clientId, string secret) =>
        _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = clientId, ClientSecret = secret });

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token, object? body = null) =>
        _http.SendBearerAsync(method, url, token, body);
}
