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

    /// <summary>A client-credentials access token of a new client given <paramref name="scopes"/>, asking for all of them.</summary>
    public static async Task<string> ClientAccessTokenAsync(this AuthClientsAppFactory app, params string[] scopes)
    {
        var client = await app.RegisterClientAsync(scopes: scopes);
        var token = await app.CreateClient().RequestClientTokenAsync(client, string.Join(' ', scopes));
        Assert.False(token.IsError, token.Raw);
        return token.AccessToken!;
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
}
