using System.Net.Http.Headers;
using System.Net.Http.Json;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Infrastructure;

public static class BearerRequests
{
    /// <summary><c>GET /api/1.0/me</c> with <paramref name="accessToken"/> as the bearer token, as any API consumer calls it.</summary>
    public static Task<HttpResponseMessage> GetMeAsync(this HttpClient http, string accessToken) =>
        http.SendWithTokenAsync(HttpMethod.Get, "/api/1.0/me", accessToken);

    /// <summary>An API call with a bearer token and, when given, a JSON body.</summary>
    public static async Task<HttpResponseMessage> SendWithTokenAsync(this HttpClient http, HttpMethod method, string url, string accessToken, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Registers a client with these scopes and returns a client-credentials access token for all of them.</summary>
    public static async Task<string> ClientTokenAsync(this AuthClientsAppFactory app, HttpClient http, params string[] scopes) =>
        await http.RequestClientCredentialsTokenAsync(await app.RegisterClientAsync(scopes: scopes), string.Join(' ', scopes));

    /// <summary>A client-credentials access token of <paramref name="client"/> for <paramref name="scope"/> (space-separated).</summary>
    public static async Task<string> RequestClientCredentialsTokenAsync(this HttpClient http, RegisteredClient client, string scope)
    {
        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Scope = scope,
        });
        Assert.False(token.IsError, token.Raw);
        return token.AccessToken!;
    }

    /// <summary>A person's access token, through a client with the (legacy) password grant and both API scopes.</summary>
    public static async Task<string> UserApiTokenAsync(this AuthClientsAppFactory app, string email, string password = AuthClientsAppFactory.UserPassword)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read", "auth_clients.write"]);
        var token = await app.CreateClient().RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            UserName = email,
            Password = password,
            Scope = "auth_clients.read auth_clients.write",
        });
        Assert.False(token.IsError, token.Raw);
        return token.AccessToken!;
    }
}
