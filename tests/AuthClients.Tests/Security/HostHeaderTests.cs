using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace AuthClients.Tests.Security;

/// <summary>
/// Outside Development the issuer, the endpoints in discovery and the sign-in redirect never come
/// from a request's Host header, which anyone can set: the app does not start without
/// <c>OAuthServer:Issuer</c> or a list of <c>AllowedHosts</c>, and with either a forged Host changes nothing.
/// </summary>
public sealed class HostHeaderTests
{
    private const string Issuer = "https://auth.example.test/";
    private const string ForgedHost = "http://evil.example";

    /// <summary>The process itself exits with the one-line message: <see cref="StartupConfigurationTests"/>.</summary>
    [Theory]
    [InlineData("Production", null, "*", false)]
    [InlineData("Staging", null, null, false)]
    [InlineData("Production", Issuer, "*", true)]
    [InlineData("Production", null, "auth.example.test", true)]
    [InlineData("Development", null, "*", true)]
    [InlineData("Testing", null, "*", true)]
    public void Start_OutsideDevelopment_NeedsTheIssuerOrAllowedHosts(string environment, string? issuer, string? allowedHosts, bool starts)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OAuthServer:Issuer"] = issuer, ["AllowedHosts"] = allowedHosts })
            .Build();

        var server = new OAuthServerOptions { Issuer = issuer is null ? null : new Uri(issuer) };
        void Check() => OpenIddictHosting.RequireFixedIssuer(server, configuration, new HostingEnvironment { EnvironmentName = environment });

        if (starts)
        {
            Check();
        }
        else
        {
            var failure = Assert.Throws<OptionsValidationException>(Check);
            Assert.Contains("OAuthServer:Issuer is required", failure.Message, StringComparison.Ordinal);
            Assert.Contains("AllowedHosts", failure.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    public async Task Production_WithIssuer_AForgedHostDoesNotChangeDiscovery(string metadata)
    {
        using var app = ProductionApp(("OAuthServer:Issuer", Issuer));

        using var discovery = JsonDocument.Parse(await app.CreateClient().GetStringAsync(ForgedHost + metadata));

        Assert.Equal(Issuer, discovery.RootElement.GetProperty("issuer").GetString());
        var urls = discovery.RootElement.EnumerateObject().Where(p => p.Name.EndsWith("_endpoint", StringComparison.Ordinal) || p.Name == "jwks_uri").ToList();
        Assert.True(urls.Count >= 6, string.Join(", ", urls.Select(u => u.Name)));
        Assert.All(urls, url => Assert.StartsWith(Issuer, url.Value.GetString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Production_WithIssuer_AForgedHostDoesNotChangeTheSignInRedirect(bool fromAnAuthorizationRequest)
    {
        using var app = ProductionApp(("OAuthServer:Issuer", Issuer));
        var page = fromAnAuthorizationRequest
            ? new AuthorizationCodeDriver(app.CreateBrowser(), await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true)).AuthorizeUrl()
            : AuthClientPages.List;

        var response = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(ForgedHost + page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(Issuer + "account/login?ReturnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithAllowedHosts_RefusesOtherHosts()
    {
        using var app = ProductionApp(("AllowedHosts", "localhost"));
        var http = app.CreateClient();

        var forged = await http.GetAsync($"{ForgedHost}/.well-known/openid-configuration");
        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("http://localhost/", discovery.RootElement.GetProperty("issuer").GetString());
    }

    /// <summary>Production over plain http (the test server has no TLS), with the shipped AllowedHosts=* unless overridden.</summary>
    private static AuthClientsAppFactory ProductionApp(params (string Key, string Value)[] settings) => new()
    {
        EnvironmentName = "Production",
        Settings = settings.Prepend((Key: "OAuthServer:RequireHttps", Value: "false")).ToDictionary(s => s.Key, string? (s) => s.Value),
    };
}
