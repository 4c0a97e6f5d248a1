using System.Net;
using System.Net.Http.Headers;
using AuthClients.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Connect;

/// <summary>
/// Another team's API, protected with Microsoft's JwtBearer handler, trusts our access tokens
/// knowing nothing but our issuer: it reads discovery and the JWKS, like any resource server.
/// </summary>
public sealed class ResourceServerTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>, IAsyncLifetime
{
    private WebApplication? _resourceServer;

    public async Task InitializeAsync()
    {
        var issuer = app.CreateClient().BaseAddress!.ToString();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = issuer;
            options.Audience = "authclients-api";
            options.RequireHttpsMetadata = false;
            options.MapInboundClaims = false;
            options.BackchannelHttpHandler = app.Server.CreateHandler(); // reach our server in memory
        });
        builder.Services.AddAuthorization();
        _resourceServer = builder.Build();
        _resourceServer.UseAuthentication();
        _resourceServer.UseAuthorization();
        _resourceServer.MapGet("/orders", (HttpContext context) => $"orders for {context.User.FindFirst("client_id")?.Value}").RequireAuthorization();
        await _resourceServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_resourceServer is not null)
        {
            await _resourceServer.DisposeAsync();
        }
    }

    [Fact]
    public async Task OurAccessToken_IsAcceptedByAJwtBearerResourceServer()
    {
        var client = await app.RegisterClientAsync();
        var token = await app.CreateClient().RequestClientTokenAsync(client);

        var response = await CallOrdersAsync(token.AccessToken!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"orders for {client.ClientId}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TamperedOrUnsignedToken_IsRefusedByTheResourceServer()
    {
        var client = await app.RegisterClientAsync();
        var token = (await app.CreateClient().RequestClientTokenAsync(client)).AccessToken!;
        var parts = token.Split('.');
        var unsigned = System.Buffers.Text.Base64Url.EncodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}"u8) + "." + parts[1] + ".";

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallOrdersAsync(unsigned)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallOrdersAsync(parts[0] + "." + parts[1] + "." + parts[2][..^4] + "AAAA")).StatusCode);
    }

    private async Task<HttpResponseMessage> CallOrdersAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await _resourceServer!.GetTestClient().SendAsync(request);
    }
}
