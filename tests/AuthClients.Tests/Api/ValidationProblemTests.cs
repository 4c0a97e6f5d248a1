using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Tests.Api;

/// <summary>
/// A refused create or update names every problem once: each message appears once under its
/// field in the problem details, whichever rules found it and however often the value was sent.
/// </summary>
public sealed class ValidationProblemTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Route = "/api/1.0/auth-clients";
    private readonly HttpClient _http = app.CreateClient();

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        // The form's own (cross-field) rules, when every field passes.
        { """{"name":"valid name","grant_types":[]}""", "grant_types", AuthClientSettings.AtLeastOneGrantMessage },
        { """{"name":"valid name","grant_types":["client_credentials"],"client_type":"public"}""", "grant_types", AuthClientSettings.PublicClientGrantMessage },
        { """{"name":"valid name","grant_types":["authorization_code"]}""", "redirect_uris", "The Redirect field is required." },
        // The same wrong value sent twice.
        { """{"name":"valid name","grant_types":["client_credentials","implicit","implicit"]}""", "grant_types", "Unknown grant type 'implicit'." },
        { """{"name":"valid name","grant_types":["client_credentials"],"scopes":["admin","admin"]}""", "scopes", "Unknown scope 'admin'." },
        // A field rule and the form's rules together.
        { """{"name":"","grant_types":[]}""", "grant_types", AuthClientSettings.AtLeastOneGrantMessage },
        // Token lifetimes out of their bounds (the form's rules, in seconds).
        { """{"name":"valid name","grant_types":["client_credentials"],"access_token_lifetime_seconds":30}""", "access_token_lifetime_seconds", TokenLifetimeRules.AccessToken.Message },
        { """{"name":"valid name","grant_types":["client_credentials"],"refresh_token_lifetime_seconds":99999999999}""", "refresh_token_lifetime_seconds", TokenLifetimeRules.RefreshToken.Message },
        { """{"name":"valid name","grant_types":["client_credentials"],"id_token_lifetime_seconds":-1}""", "id_token_lifetime_seconds", TokenLifetimeRules.IdentityToken.Message },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_SaysEachProblemOnce(string body, string field, string message)
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.write");

        var response = await SendJsonAsync(HttpMethod.Post, Route, token, body);

        AssertSaidOnce(await ProblemErrorsAsync(response), field, message);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Update_SaysEachProblemOnce(string body, string field, string message)
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var target = await app.RegisterClientAsync();

        var response = await SendJsonAsync(HttpMethod.Put, $"{Route}/{target.ClientId}", token, body);

        AssertSaidOnce(await ProblemErrorsAsync(response), field, message);
    }

    private static void AssertSaidOnce(JsonElement errors, string field, string message)
    {
        Assert.True(errors.TryGetProperty(field, out var messages), errors.ToString());
        Assert.Contains(message, messages.EnumerateArray().Select(m => m.GetString()));
        foreach (var property in errors.EnumerateObject())
        {
            var all = property.Value.EnumerateArray().Select(m => m.GetString()).ToList();
            Assert.True(all.Count == all.Distinct().Count(), $"{property.Name} repeats a message: {property.Value}");
        }
    }

    private static async Task<JsonElement> ProblemErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").Clone();
    }

    private Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string url, string token, string json) =>
        _http.SendBearerAsync(method, url, token, configure: request => request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
