using System.Net.Http.Headers;

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
}
