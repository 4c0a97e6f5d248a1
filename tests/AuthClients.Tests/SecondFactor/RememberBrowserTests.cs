using System.Net;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// "Remember this browser" (Security:RememberBrowserDays): a browser that ticked it skips the code
/// after signing out and in again; any other browser does not; an administrator's reset of the
/// authenticator forgets it. Off by default: the box is not offered and a posted one is ignored.
/// </summary>
public sealed class RememberBrowserTests
{
    [Fact]
    public async Task Remembered_ThisBrowserSkipsTheCode_AfterSigningOut_OtherBrowsersDoNot()
    {
        await using var app = RememberingFor30Days();
        var email = await app.CreateUserAsync();
        var (key, browser) = await AtTheCodeStepAsync(app, email);
        Assert.Contains("Remember this browser for 30 days", await browser.GetStringAsync(TwoFactor), StringComparison.Ordinal);
        Assert.Equal("/", (await browser.CodeStepAsync(CodeFor(key), rememberBrowser: true)).Headers.Location?.OriginalString);

        await browser.PostAsync("/account/logout", new FormUrlEncodedContent([new("__RequestVerificationToken", await browser.GetAntiforgeryTokenAsync("/profile"))]));
        Assert.False(await browser.IsSignedInAsync());
        var again = await browser.PasswordStepAsync(email);

        Assert.Equal("/", again.Headers.Location?.OriginalString);
        Assert.True(await browser.IsSignedInAsync());
        var other = app.CreateBrowser();
        Assert.Equal(TwoFactor, (await other.PasswordStepAsync(email)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task NotTicked_TheCodeIsAskedAgain()
    {
        await using var app = RememberingFor30Days();
        var email = await app.CreateUserAsync();
        var (key, browser) = await AtTheCodeStepAsync(app, email);
        await browser.CodeStepAsync(CodeFor(key), rememberBrowser: false);

        Assert.Equal(TwoFactor, (await browser.PasswordStepAsync(email)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AnAdministratorsReset_ForgetsRememberedBrowsers()
    {
        await using var app = RememberingFor30Days();
        var (email, id) = await app.CreateUserWithIdAsync();
        var (key, browser) = await AtTheCodeStepAsync(app, email);
        await browser.CodeStepAsync(CodeFor(key), rememberBrowser: true);

        var admin = await app.SignedInAsAdminAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync($"{UserGroupPages.Users}/{id}/second-factor/reset", [])).StatusCode);
        Assert.False(await browser.IsSignedInAsync(), "The reset left the user's session running.");
        var newKey = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();

        Assert.NotEqual(key, newKey.Key);
        Assert.Equal(TwoFactor, (await browser.PasswordStepAsync(email)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Off_ByDefault_TheBoxIsNotOffered_AndAPostedOneIsIgnored()
    {
        await using var app = new AuthClientsAppFactory();
        var email = await app.CreateUserAsync();
        var (key, browser) = await AtTheCodeStepAsync(app, email);
        Assert.DoesNotContain("RememberBrowser", await browser.GetStringAsync(TwoFactor), StringComparison.Ordinal);

        Assert.Equal("/", (await browser.CodeStepAsync(CodeFor(key), rememberBrowser: true)).Headers.Location?.OriginalString);

        Assert.Equal(TwoFactor, (await browser.PasswordStepAsync(email)).Headers.Location?.OriginalString);
    }

    private static AuthClientsAppFactory RememberingFor30Days() => new() { Settings = { ["Security:RememberBrowserDays"] = "30" } };

    /// <summary>Sets up the user's authenticator; returns its key and a new browser that has just typed the right password.</summary>
    private static async Task<(string Key, HttpClient Browser)> AtTheCodeStepAsync(AuthClientsAppFactory app, string email)
    {
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);
        return (key, browser);
    }
}
