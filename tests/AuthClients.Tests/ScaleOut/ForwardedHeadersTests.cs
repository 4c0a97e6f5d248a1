using System.Text.Json;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.ScaleOut;

/// <summary>
/// Behind a TLS-terminating proxy the app takes the scheme and host from X-Forwarded-* headers,
/// but only from the proxies named in ForwardedHeaders:KnownProxies / KnownNetworks.
/// Real processes: the check needs the real remote address of a TCP connection.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task ForwardedHeaders_FromAConfiguredProxy_SetTheIssuersSchemeAndHost()
    {
        var issuer = await IssuerSeenThroughProxyAsync(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

        Assert.Equal("https://auth.example.com/", issuer);
    }

    [Fact]
    public async Task ForwardedHeaders_FromAnyoneElse_AreIgnored()
    {
        var issuer = await IssuerSeenThroughProxyAsync(new() { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8" });

        Assert.StartsWith("http://127.0.0.1:", issuer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedHost_OutsideAllowedHosts_IsIgnored_EvenFromAConfiguredProxy()
    {
        var issuer = await IssuerSeenThroughProxyAsync(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["AllowedHosts"] = "127.0.0.1;auth.example.org",
        });

        Assert.Equal("127.0.0.1", new Uri(issuer!).Host);
    }

    private static async Task<string?> IssuerSeenThroughProxyAsync(Dictionary<string, string?> settings)
    {
        using var database = TestDatabase.CreateSqlite();
        settings["ConnectionStrings:Default"] = database.ConnectionString;
        settings["Bootstrap:AdminPassword"] = AuthClientsAppFactory.AdminPassword;
        await using var app = await AppProcess.StartAsync(settings);
        await app.WaitUntilReadyAsync();

        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "auth.example.com");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return metadata.RootElement.GetProperty("issuer").GetString();
    }
}
