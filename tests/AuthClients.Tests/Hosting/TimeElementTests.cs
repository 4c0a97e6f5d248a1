using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Hosting;

/// <summary>
/// Every time an admin page shows carries its instant in <c>datetime</c> as UTC with its <c>Z</c>
/// (or a plain day), on every database: SQLite hands times back without their kind, and a time
/// written without the Z is read by browsers and screen readers as the reader's local time.
/// </summary>
public sealed partial class TimeElementTests
{
    [Fact]
    public async Task EveryTimeOnTheAdminPages_SaysItIsUtc()
    {
        await using var app = new AuthClientsAppFactory();
        var client = await app.RegisterClientAsync();
        var http = app.CreateClient();
        Assert.False((await http.RequestClientCredentialsTokenAsync(new() { Address = "/connect/token", ClientId = client.ClientId, ClientSecret = client.Secret })).IsError);
        Assert.True((await http.RequestClientCredentialsTokenAsync(new() { Address = "/connect/token", ClientId = client.ClientId, ClientSecret = "wrong" })).IsError);
        Assert.True(await app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());
        var admin = await app.SignedInAsAdminAsync();

        string[] pages = [Routes.Dashboard, Routes.AuthClients, $"{Routes.AuthClients}/{client.Id}/edit", $"{Routes.AuthClients}/{client.Id}/activity", Routes.Users, Routes.AuditLog];
        foreach (var page in pages)
        {
            var times = (await admin.GetDocumentAsync(page)).QuerySelectorAll("time").Select(t => t.GetAttribute("datetime")).ToList();

            Assert.True(times.Count > 0, $"{page} shows no time: the test no longer covers it.");
            Assert.All(times, datetime => Assert.Matches(UtcOrDay(), datetime ?? "(none)"));
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\dZ)?$")]
    private static partial Regex UtcOrDay();
}
