using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Users;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Audit;

/// <summary>
/// The address an audit record names is written as a client's last use and its failures name it:
/// an IPv4 caller of a dual-stack listener (or a proxy that forwards one) as its IPv4 address,
/// without the <c>::ffff:</c> prefix, so filtering or searching by it finds both.
/// </summary>
public sealed class AuditAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8::7", "2001:db8::7")]
    public async Task ASignInsAddress_IsWrittenAsTheClientsLastUseIs(string forwardedFor, string shown)
    {
        await using var app = new AuthClientsAppFactory
        {
            ListenOnLoopback = true,
            Settings = { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1", ["AuthClients:Credentials:LastUsedFlushInterval"] = "00:10:00" },
        };
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        var client = await app.RegisterClientAsync();

        await http.SignInAsync(AuthClientsAppFactory.AdminEmail, "not the password");
        Assert.False((await http.RequestClientCredentialsTokenAsync(new() { Address = "/connect/token", ClientId = client.ClientId, ClientSecret = client.Secret })).IsError);
        Assert.True(await app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());

        var (signIn, lastUsedFrom) = await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var record = await db.AuditRecords.AsNoTracking().SingleAsync(r => r.Action == SignInAudit.Failed);
            var used = await db.AuthClients.AsNoTracking().Where(a => a.Id == client.Id).Select(a => a.LastUsedFrom).SingleAsync();
            return (record.IpAddress, used);
        });
        Assert.Equal(shown, signIn);
        Assert.Equal(shown, lastUsedFrom);
    }
}
