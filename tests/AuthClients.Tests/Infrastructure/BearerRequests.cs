using System.Net.Http.Headers;
using System.Net.Http.Json;
using AuthClients.Web.Features.ApiTokens;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Infrastructure;

public static class BearerRequests
{
    /// <summary><c>GET /api/1.0/me</c> with <paramref name="accessToken"/> as the bearer token, as any API consumer calls it.</summary>
    public static async Task<HttpResponseMessage> GetMeAsync(this HttpClient http, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/1.0/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await http.SendAsync(request);
    }

    /// <summary>
    /// A request to the API with <paramref name="accessToken"/> as the bearer token, an optional
    /// JSON body, and whatever else <paramref name="configure"/> sets (e.g. <c>If-Match</c>).
    /// </summary>
    public static async Task<HttpResponseMessage> SendBearerAsync(
        this HttpClient http, HttpMethod method, string url, string accessToken, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        configure?.Invoke(request);
        return await http.SendAsync(request);
    }

    /// <summary>
    /// A personal access token of <paramref name="userId"/>, made as the profile's API Tokens tab
    /// makes it, through a client that enables them (registered here if need be).
    /// </summary>
    public static async Task<(string Token, ApiTokenOwner Owner)> CreatePersonalAccessTokenAsync(this AuthClientsAppFactory app, string userId)
    {
        await app.RegisterClientAsync(personalAccessTokens: true);
        return await app.WithServicesAsync(async services =>
        {
            var tokens = services.GetRequiredService<ApiTokenService>();
            var token = await tokens.CreateAsync(userId, new ApiTokenForm { Name = $"script-{Guid.NewGuid():N}", ExpiresInDays = 7 });
            Assert.NotNull(token);
            return (token, (await tokens.ValidateAsync(token))!);
        });
    }
    /// <summary>A client-credentials access token of <paramref name="client"/> for <paramref name="scope"/> (space-separated).</summary>
    public static async Task<string> RequestClientCredentialsTokenAsync(this HttpClient http, RegisteredClient client, string scope)
    {
        var token = await http.RequestClientTokenAsync(client, scope);
        Assert.False(token.IsError, token.Raw);
        return token.AccessToken!;
    }

    /// <summary>A person's access token, through a client with the (legacy) password grant and both API scopes.</summary>
    public static async Task<string> UserApiTokenAsync(this AuthClientsAppFactory app, string email, string password = AuthClientsAppFactory.UserPassword)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read", "auth_clients.write"]);
        var token = await app.CreateClient().RequestPasswordTokenAsync(client, email, password, "auth_clients.read auth_clients.write");
        Assert.False(token.IsError, token.Raw);
        return token.AccessToken!;
    }
}
