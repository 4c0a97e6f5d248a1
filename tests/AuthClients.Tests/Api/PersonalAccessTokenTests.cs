using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Api;

/// <summary>A user makes a personal access token on their profile and calls the API with it.</summary>
public sealed partial class PersonalAccessTokenTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Page = "/profile/api-tokens";

    [Fact]
    public async Task CreatedToken_IsShownOnce_AndActsWithTheUsersPermissions()
    {
        await EnsureIssuingClientAsync();
        var email = await app.CreateUserAsync(permissions: ["view-auth_clients"]);
        var browser = await app.SignedInAsync(email);

        var created = await browser.PostFormAsync(Page, Page, [new("Form.Name", "deploy script"), new("Form.ExpiresInDays", "30")]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var shown = await browser.GetAsync(Page);
        var token = TokenShown(await shown.Content.ReadAsStringAsync());

        Assert.True(shown.Headers.CacheControl?.NoStore);
        var later = await browser.GetStringAsync(Page);
        Assert.Contains("deploy script", later, StringComparison.Ordinal);
        Assert.DoesNotContain(token, later, StringComparison.Ordinal);

        using var me = JsonDocument.Parse(await (await CallAsync("/api/1.0/me", token)).Content.ReadAsStringAsync());
        Assert.Equal("user", me.RootElement.GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/api/1.0/auth-clients", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/api/1.0/auth-clients", token, HttpMethod.Post)).StatusCode);
    }

    [Fact]
    public async Task Token_IsStoredOnlyAsAHash()
    {
        await EnsureIssuingClientAsync();
        var (_, token) = await CreateTokenAsync();

        var stored = await app.WithServicesAsync(services =>
            services.GetRequiredService<AppDbContext>().PersonalAccessTokens.Select(t => t.TokenHash).ToListAsync());

        Assert.DoesNotContain(stored, hash => hash.Contains(token[6..], StringComparison.Ordinal));
        Assert.All(stored, hash => Assert.Equal(64, hash.Length));
    }

    [Fact]
    public async Task RevokedToken_StopsWorkingAtOnce()
    {
        await EnsureIssuingClientAsync();
        var (browser, token) = await CreateTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/api/1.0/me", token)).StatusCode);
        var id = RevokeUrl().Match(await browser.GetStringAsync(Page)).Groups[1].Value;

        var revoke = await browser.PostFormAsync(Page, $"{Page}/{id}/revoke", []);

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        var refused = await CallAsync("/api/1.0/me", token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task ExpiredToken_IsRefused()
    {
        await EnsureIssuingClientAsync();
        var (_, token) = await CreateTokenAsync();

        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().PersonalAccessTokens
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/api/1.0/me", token)).StatusCode);
    }

    [Fact]
    public async Task TokenOfDeactivatedUser_IsRefused()
    {
        await EnsureIssuingClientAsync();
        var (_, token) = await CreateTokenAsync();
        var userId = await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().PersonalAccessTokens.Select(t => t.UserId).FirstAsync());

        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Users
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/api/1.0/me", token)).StatusCode);
        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Users
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, true)));
        Assert.NotNull(userId);
    }

    [Fact]
    public async Task GarbageToken_WithThePrefix_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/api/1.0/me", "acpat_not-a-real-token")).StatusCode);
    }

    private async Task EnsureIssuingClientAsync()
    {
        var browser = await app.SignedInAsAdminAsync();
        await browser.CreateAsync(AuthClientPages.Form("Personal Access Tokens", clientCredentials: false, personalAccessTokens: true));
    }

    private async Task<(HttpClient Browser, string Token)> CreateTokenAsync()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync());
        await browser.PostFormAsync(Page, Page, [new("Form.Name", $"token-{Guid.NewGuid():N}"), new("Form.ExpiresInDays", "7")]);
        return (browser, TokenShown(await browser.GetStringAsync(Page)));
    }

    private static string TokenShown(string html)
    {
        var match = CreatedToken().Match(html);
        Assert.True(match.Success, "The new token is not on the page.");
        return match.Groups[1].Value;
    }

    private async Task<HttpResponseMessage> CallAsync(string url, string token, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (request.Method == HttpMethod.Post)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(new { name = $"pat-made-{Guid.NewGuid():N}", grant_types = new[] { "client_credentials" } });
        }

        return await app.CreateClient().SendAsync(request);
    }

    [GeneratedRegex("<code id=\"created-token\"[^>]*>(acpat_[A-Za-z0-9_-]+)</code>")]
    private static partial Regex CreatedToken();

    [GeneratedRegex("/profile/api-tokens/([0-9a-f-]{36})/revoke")]
    private static partial Regex RevokeUrl();
}

/// <summary>Without a client that enables personal access tokens, the tab says so.</summary>
public sealed class PersonalAccessTokenWithoutClientTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task ApiTokensTab_WithoutIssuingClient_SaysTokensAreUnavailable()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync());

        var html = await browser.GetStringAsync("/profile/api-tokens");

        Assert.Contains("Personal access tokens are not available", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Create token", html, StringComparison.Ordinal);
    }
}
