using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// Issue 13 on the page and in the API: the Enabled switch and the three token lifetimes ("Default"
/// or a value within bounds), saved by either and shown by both; out of bounds is refused with a
/// message next to the field; the OpenAPI document describes the fields.
/// </summary>
public sealed class EnabledAndLifetimeSettingsTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string ApiRoute = "/api/1.0/auth-clients";

    public static TheoryData<string, string, string> OutOfBounds => new()
    {
        { "Form.AccessTokenLifetime", "30", TokenLifetimeRules.AccessToken.Message },
        { "Form.RefreshTokenLifetime", "60", TokenLifetimeRules.RefreshToken.Message },
        { "Form.IdentityTokenLifetime", "172800", TokenLifetimeRules.IdentityToken.Message },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task Form_LifetimeOutOfBounds_IsRefusedNextToItsField(string field, string seconds, string message)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"client {Guid.NewGuid():N}";

        var response = await browser.CreateAsync(AuthClientPages.Form(name).Append(new(field, seconds)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(message, (await response.ReadDocumentAsync()).ErrorNextTo(field));
        Assert.Contains("must be between", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_SavesTheSwitchAndLifetimes_AndBothThePageAndTheApiShowThem()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"client {Guid.NewGuid():N}";

        var created = await browser.CreateAsync(AuthClientPages.Form(name)
            .Append(new("Form.Enabled", "false")).Append(new("Form.RefreshTokenLifetime", "604800")));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = await browser.FindIdAsync(name);
        var page = await browser.GetDocumentAsync(AuthClientPages.EditPage(id));
        var enabled = page.QuerySelector("input[type=checkbox][name='Form.Enabled']");
        Assert.NotNull(enabled);
        Assert.False(enabled.HasAttribute("checked"));
        Assert.Equal("604800", page.QuerySelector("select[name='Form.RefreshTokenLifetime'] option[selected]")?.GetAttribute("value"));
        Assert.Equal("", page.QuerySelector("select[name='Form.AccessTokenLifetime'] option[selected]")?.GetAttribute("value"));
        Assert.Equal("7 days", page.QuerySelector("select[name='Form.RefreshTokenLifetime'] option[selected]")?.TextContent);

        var resource = await GetResourceAsync(await browser.FindClientIdAsync(name));
        Assert.False(resource.GetProperty("enabled").GetBoolean());
        Assert.Equal(604800, resource.GetProperty("refresh_token_lifetime_seconds").GetInt64());
        Assert.Equal(JsonValueKind.Null, resource.GetProperty("access_token_lifetime_seconds").ValueKind);
        Assert.Equal(JsonValueKind.Null, resource.GetProperty("id_token_lifetime_seconds").ValueKind);
    }

    [Fact]
    public async Task ApiEnabledFalse_DisablesTheClient_AndOmittingItLaterKeepsItDisabled()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var http = app.CreateClient();
        var name = $"client {Guid.NewGuid():N}";
        using var created = JsonDocument.Parse(await (await http.SendBearerAsync(HttpMethod.Post, ApiRoute, token,
            new { name, grant_types = new[] { "client_credentials" }, access_token_lifetime_seconds = 600 })).Content.ReadAsStringAsync());
        var client = new RegisteredClient("", created.RootElement.GetProperty("client_id").GetString()!, created.RootElement.GetProperty("client_secret").GetString()!);
        Assert.True(created.RootElement.GetProperty("enabled").GetBoolean());
        Assert.Equal(600, created.RootElement.GetProperty("access_token_lifetime_seconds").GetInt64());
        Assert.InRange((await http.RequestClientTokenAsync(client)).ExpiresIn, 598, 600);

        var disabled = await http.SendBearerAsync(HttpMethod.Put, $"{ApiRoute}/{client.ClientId}", token, new { name, grant_types = new[] { "client_credentials" }, enabled = false });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal("invalid_client", (await http.RequestClientTokenAsync(client)).ErrorCode());

        // A PUT that does not know the field leaves the client disabled; lifetimes left out are Default.
        await http.SendBearerAsync(HttpMethod.Put, $"{ApiRoute}/{client.ClientId}", token, new { name, grant_types = new[] { "client_credentials" } });
        var resource = await GetResourceAsync(client.ClientId);
        Assert.False(resource.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, resource.GetProperty("access_token_lifetime_seconds").ValueKind);
        Assert.Equal("invalid_client", (await http.RequestClientTokenAsync(client)).ErrorCode());

        await http.SendBearerAsync(HttpMethod.Put, $"{ApiRoute}/{client.ClientId}", token, new { name, grant_types = new[] { "client_credentials" }, enabled = true });
        Assert.False((await http.RequestClientTokenAsync(client)).IsError);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesEnabledAndTheLifetimes()
    {
        var response = await app.CreateClient().GetAsync("/api/openapi/v1.json");

        var json = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(json);
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "AuthClientRequest", "AuthClientResource" })
        {
            // The document spells names its own way (camelCase today); the API's JSON is snake_case.
            var names = schemas.GetProperty(schema).GetProperty("properties").EnumerateObject().Select(p => p.Name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant()).ToList();
            foreach (var field in new[] { "enabled", "access_token_lifetime_seconds", "refresh_token_lifetime_seconds", "id_token_lifetime_seconds" })
            {
                Assert.True(names.Contains(field.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant()), $"{schema} has no {field}: {string.Join(", ", names)}");
            }
        }

        Assert.Contains("server's default", json, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetResourceAsync(string clientId)
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read");
        var response = await app.CreateClient().SendBearerAsync(HttpMethod.Get, $"{ApiRoute}/{clientId}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.Clone();
    }
}
