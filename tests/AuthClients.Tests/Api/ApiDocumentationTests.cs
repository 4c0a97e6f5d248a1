using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Api;

public sealed class ApiDocumentationTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task OpenApiDocument_DescribesEveryApiRoute_AndClientCredentialsAuthorization()
    {
        var response = await app.CreateClient().GetAsync("/api/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(
            [
                "/api/1.0/auth-clients", "/api/1.0/auth-clients/{clientId}", "/api/1.0/auth-clients/{clientId}/credentials",
                "/api/1.0/auth-clients/{clientId}/credentials/{credentialId}", "/api/1.0/auth-clients/{clientId}/credentials/{credentialId}/revoke",
                "/api/1.0/auth-clients/{clientId}/secret", "/api/1.0/me",
            ],
            paths.Order(StringComparer.Ordinal));
        var flow = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2").GetProperty("flows").GetProperty("clientCredentials");
        Assert.Equal("/connect/token", flow.GetProperty("tokenUrl").GetString());
        Assert.True(flow.GetProperty("scopes").TryGetProperty("auth_clients.write", out _));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheCredentialsEndpoints()
    {
        using var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/openapi/v1.json"));
        var credentials = document.RootElement.GetProperty("paths").GetProperty("/api/1.0/auth-clients/{clientId}/credentials");

        var post = credentials.GetProperty("post");
        Assert.Contains("grace_period", post.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(credentials.GetProperty("get").GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(document.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty("CreatedCredential", out _));
    }

    [Fact]
    public async Task Documentation_IsServedFromTheAppItself_WithoutInlineScript()
    {
        var client = app.CreateClient();

        var page = await client.GetAsync("/api/documentation/index.html");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/documentation/index.js")).StatusCode);
    }
}
