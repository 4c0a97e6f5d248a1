using System.Net.Http.Headers;
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
