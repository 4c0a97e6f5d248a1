using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.AuthClients;

/// <summary>
/// A client's Activity tab in Chromium, under the app's strict CSP: after a few tokens and refused
/// requests, Chart.js draws the chart from the page's own table, the table holds the numbers a
/// screen reader reads, and the failures are listed with their reason and address.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ActivityTabTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task ActivityTab_DrawsTheChart_AndListsTheFailures_WithoutACspViolation()
    {
        const string name = "Nightly Export";
        var created = await Session.App.CreateClientAsync(new AuthClientSettings { Name = name, Grants = new(ClientCredentials: true) });
        using (var http = new HttpClient { BaseAddress = new Uri(Session.App.BaseUrl) })
        {
            foreach (var secret in new[] { created.Secret!, created.Secret!, created.Secret!, created.Secret!, "not-the-secret", "not-the-secret-either" })
            {
                await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = created.ClientId, ClientSecret = secret });
            }
        }

        Assert.True(await Session.App.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());

        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.ClientRow(name).GetByRole(AriaRole.Button, new() { Name = "Activity" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Auth Client Activity" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Activity" })).ToHaveAttributeAsync("aria-current", "page");

        var chart = Page.GetByRole(AriaRole.Img, new() { Name = "Tokens issued per day" });
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("4 in all \\(client_credentials 4\\)"));
        Assert.True(await chart.EvaluateAsync<bool>("canvas => canvas.chart instanceof window.Chart"), "No Chart.js chart on the tokens canvas.");
        var drawn = await chart.EvaluateAsync<int>("""
            canvas => {
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] !== 0) painted++;
                return painted;
            }
            """);
        Assert.True(drawn > 1000, $"The chart painted {drawn} pixels.");
        Assert.Equal(4, await chart.EvaluateAsync<int>("canvas => canvas.chart.data.datasets[0].data.at(-1)"));

        await Page.GetByText("The numbers, day by day").First.ClickAsync();
        var table = Page.GetByRole(AriaRole.Table, new() { Name = "Tokens issued per day, by grant type (UTC days)" });
        await Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "client_credentials" })).ToBeVisibleAsync();
        await Expect(table.GetByRole(AriaRole.Row).Last).ToContainTextAsync("4");

        var failures = Page.GetByRole(AriaRole.Table, new() { Name = "The latest 2 failed authentications, newest first" });
        await Expect(failures.GetByRole(AriaRole.Row).Filter(new() { HasText = "Wrong secret" })).ToHaveCountAsync(2);
        await Expect(failures).ToContainTextAsync("127.0.0.1");
        await Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Failed authentications per day" })).ToBeVisibleAsync();
        Assert.Empty(Session.PageProblems); // no CSP violation, no console error
    }
}
