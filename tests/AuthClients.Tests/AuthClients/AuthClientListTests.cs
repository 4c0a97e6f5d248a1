using System.Net;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

public sealed class AuthClientListTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_AsSuperAdmin_ShowsNewClientWithoutItsSecret()
    {
        var browser = app.CreateBrowser();
        await browser.SignInAsAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var id = await browser.CreateClientAsync("List shows me");

        var secret = await browser.CopySecretAsync(id);
        var html = await browser.GetStringAsync(AuthClientPages.List);

        Assert.Contains("List shows me", html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenAnonymous_RedirectsToSignIn()
    {
        var response = await app.CreateBrowser().GetAsync(AuthClientPages.List);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
