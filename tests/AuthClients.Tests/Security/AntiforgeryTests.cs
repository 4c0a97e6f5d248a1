using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Security;

/// <summary>Every state-changing POST needs the anti-forgery token of the user's own session; no GET changes state.</summary>
public sealed class AntiforgeryTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    public enum BadToken { Missing, Garbage, AnotherUsers }

    public static TheoryData<string, BadToken> AdminPostsWithBadTokens
    {
        get
        {
            var data = new TheoryData<string, BadToken>();
            foreach (var action in ByName.Values.Where(a => a.IsPost))
            {
                foreach (var token in Enum.GetValues<BadToken>())
                {
                    data.Add(action.Name, token);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AdminPostsWithBadTokens))]
    public async Task AdminPost_WithoutAValidToken_Returns400AndChangesNothing(string action, BadToken badToken)
    {
        var target = await app.CreateStoredClientAsync();
        var browser = await SignedInAsNewSuperAdminAsync();
        // The session has an anti-forgery cookie, as a real browser would after any page.
        await browser.GetAntiforgeryTokenAsync(AuthClientPages.List);
        var before = await app.SnapshotAsync();
        var fields = action switch
        {
            Create => AuthClientPages.Form($"Forged {Guid.NewGuid():N}").ToList(),
            Edit => AuthClientPages.Form($"Forged {Guid.NewGuid():N}", concurrencyToken: target.ConcurrencyToken).ToList(),
            _ => [],
        };
        if (await TokenAsync(badToken) is { } token)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }

        var response = await browser.PostAsync(ByName[action].PathFor(target.Id), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(target.Secret, body, StringComparison.Ordinal);
        HttpAssert.NoInternals(body);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Delete_WithoutToken_ShowsTheFriendlyBadRequestPage()
    {
        var target = await app.CreateStoredClientAsync();
        var browser = await SignedInAsNewSuperAdminAsync();

        var response = await browser.PostAsync(ByName[Delete].PathFor(target.Id), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form may have expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopySecret_WithTokenHeaderFromTheSession_ReturnsTheSecret()
    {
        // The counterpart of the refusals above: the way the page's script sends it works.
        var target = await app.CreateStoredClientAsync();
        var browser = await SignedInAsNewSuperAdminAsync();

        Assert.Equal(target.Secret, await browser.CopySecretAsync(target.Id));
    }

    [Fact]
    public async Task CopySecret_WithoutTokenHeader_Returns400WithoutTheSecret()
    {
        var target = await app.CreateStoredClientAsync();
        var browser = await SignedInAsNewSuperAdminAsync();
        await browser.GetAntiforgeryTokenAsync(AuthClientPages.List);
        using var request = new HttpRequestMessage(HttpMethod.Post, ByName[CopySecret].PathFor(target.Id));
        request.Headers.Add("Accept", "application/json");

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(target.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BadToken.Missing)]
    [InlineData(BadToken.Garbage)]
    public async Task SignIn_WithoutAValidToken_Returns400AndDoesNotSignIn(BadToken badToken)
    {
        var browser = app.CreateBrowser();
        await browser.GetAntiforgeryTokenAsync(Routes.SignIn);
        List<KeyValuePair<string, string>> fields = [new("Email", AuthClientsAppFactory.AdminEmail), new("Password", AuthClientsAppFactory.AdminPassword)];
        if (await TokenAsync(badToken) is { } token)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }

        var response = await browser.PostAsync(Routes.SignIn, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(HttpAssert.SetCookies(response), c => c.StartsWith("AuthClients.Session=", StringComparison.Ordinal));
        HttpAssert.RedirectsToSignIn(await browser.GetAsync(AuthClientPages.List));
    }

    [Theory]
    [InlineData(BadToken.Missing)]
    [InlineData(BadToken.Garbage)]
    [InlineData(BadToken.AnotherUsers)]
    public async Task SignOut_WithoutAValidToken_Returns400AndKeepsTheSession(BadToken badToken)
    {
        var browser = await SignedInAsNewSuperAdminAsync();
        await browser.GetAntiforgeryTokenAsync(AuthClientPages.List);
        List<KeyValuePair<string, string>> fields = [];
        if (await TokenAsync(badToken) is { } token)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }

        var response = await browser.PostAsync(Routes.SignOut, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("secret")]
    [InlineData("regenerate-secret")]
    public async Task ClientAction_ByGet_ChangesNothingAndRevealsNothing(string action)
    {
        var target = await app.CreateStoredClientAsync();
        var browser = await SignedInAsNewSuperAdminAsync();
        var before = await app.SnapshotAsync();

        var response = await browser.GetAsync($"{AuthClientPages.List}/{target.Id}/{action}");

        Assert.False(response.IsSuccessStatusCode, $"GET {action} answered {(int)response.StatusCode}.");
        Assert.DoesNotContain(target.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task SignOut_ByGet_KeepsTheSession()
    {
        var browser = await SignedInAsNewSuperAdminAsync();

        await browser.GetAsync(Routes.SignOut);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);
    }

    private async Task<HttpClient> SignedInAsNewSuperAdminAsync() => await app.SignedInAsync(await app.CreateUserAsync(superAdmin: true));

    /// <summary>The token field to send: none, a made-up one, or a valid one from another user's session.</summary>
    private async Task<string?> TokenAsync(BadToken badToken)
    {
        switch (badToken)
        {
            case BadToken.Garbage:
                return "CfDJ8-not-a-real-token";
            case BadToken.AnotherUsers:
                var other = await SignedInAsNewSuperAdminAsync();
                return await other.GetAntiforgeryTokenAsync(AuthClientPages.List);
            default:
                return null;
        }
    }
}
