using System.Globalization;
using System.Net;
using AuthClients.Web.Features.SecondFactor;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// Lowering Security:RememberBrowserDays shortens browsers remembered before: each sign-in measures
    /// the cookie's issue time against the current setting. Seen from other instances of the same
    /// installation (same database and keys) whose clocks are two days on.
    /// </summary>
    [Fact]
    public async Task LoweringTheSetting_ShortensBrowsersRememberedBefore()
    {
        await using var app = RememberingFor30Days();
        var email = await app.CreateUserAsync();
        var (key, browser) = await AtTheCodeStepAsync(app, email);
        var remembered = HttpAssert.SetCookies(await browser.CodeStepAsync(CodeFor(key), rememberBrowser: true))
            .Single(c => c.StartsWith(RememberedBrowsers.CookieName + "=", StringComparison.Ordinal));
        var twoDaysOn = new ShiftedClock(TimeSpan.FromDays(2));

        Assert.True(await SkipsTheCodeAsync(app, email, remembered, rememberBrowserDays: 30, twoDaysOn), "Two days into 30 the browser was not remembered.");
        Assert.False(await SkipsTheCodeAsync(app, email, remembered, rememberBrowserDays: 1, twoDaysOn), "Lowered to 1 day, a browser remembered 2 days ago still skipped the code.");
    }

    /// <summary>Over HTTPS the cookie is Secure, HttpOnly and SameSite like the session cookie it comes with.</summary>
    [Fact]
    public async Task OverHttps_TheRememberCookieIsSecure_LikeTheSessionCookie()
    {
        await using var app = RememberingFor30Days();
        var email = await app.CreateUserAsync();
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://authclients.example"), AllowAutoRedirect = false });
        await browser.PasswordStepAsync(email);

        var cookies = HttpAssert.SetCookies(await browser.CodeStepAsync(CodeFor(key), rememberBrowser: true));

        string[] names = ["AuthClients.Session=", RememberedBrowsers.CookieName + "="];
        foreach (var name in names)
        {
            var cookie = Assert.Single(cookies, c => c.StartsWith(name, StringComparison.Ordinal)).ToLowerInvariant();
            Assert.Contains("; secure", cookie, StringComparison.Ordinal);
            Assert.Contains("; httponly", cookie, StringComparison.Ordinal);
            Assert.Contains("; samesite=lax", cookie, StringComparison.Ordinal);
        }
    }

    /// <summary>Whether another instance, with this setting and clock, lets a browser holding <paramref name="rememberCookie"/> in on the password alone.</summary>
    private static async Task<bool> SkipsTheCodeAsync(AuthClientsAppFactory app, string email, string rememberCookie, int rememberBrowserDays, TimeProvider clock)
    {
        await using var instance = new AuthClientsAppFactory
        {
            Database = app.Database,
            Settings = { ["Security:RememberBrowserDays"] = rememberBrowserDays.ToString(CultureInfo.InvariantCulture) },
            TestServices = services => services.AddSingleton(clock),
        };
        var jar = new CookieContainer();
        var nameAndValue = rememberCookie.Split(';')[0].Split('=', 2);
        jar.Add(new Uri("http://localhost"), new Cookie(nameAndValue[0], nameAndValue[1], "/"));
        var browser = instance.CreateDefaultClient(new CookieContainerHandler(jar));

        var answer = await browser.PasswordStepAsync(email);
        return answer.Headers.Location?.OriginalString == "/" && StartsASession(answer);
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
