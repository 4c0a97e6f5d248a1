using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Controllers;
using AuthClients.Web.Hosting;

namespace AuthClients.Tests.Security;

/// <summary>Signing in and out: no account enumeration, lockout, and a session that really ends.</summary>
public sealed partial class SignInTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string SessionCookie = "AuthClients.Session";
    private const string WrongPassword = "not-the-password-at-all";

    [Fact]
    public async Task SignIn_WithWrongPasswordOrUnknownEmail_AnswersTheSame()
    {
        var known = await app.CreateUserAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";

        var wrongPassword = await app.CreateBrowser().SignInAsync(known, WrongPassword);
        var unknownEmail = await app.CreateBrowser().SignInAsync(unknown, WrongPassword);

        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        Assert.Equal(wrongPassword.StatusCode, unknownEmail.StatusCode);
        var wrongPasswordPage = await ComparablePageAsync(wrongPassword, known);
        Assert.Contains(WebUtility.HtmlEncode(AccountController.FailedMessage), wrongPasswordPage, StringComparison.Ordinal);
        Assert.Equal(wrongPasswordPage, await ComparablePageAsync(unknownEmail, unknown));
    }

    [Fact]
    public async Task SignIn_AfterFiveWrongPasswords_RefusesTheRightOneWithTheSameMessage()
    {
        var email = await app.CreateUserAsync();
        var browser = app.CreateBrowser();
        for (var attempt = 0; attempt < IdentityHosting.MaxFailedSignIns; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(email, WrongPassword)).StatusCode);
        }

        var response = await browser.SignInAsync(email, AuthClientsAppFactory.UserPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(AccountController.FailedMessage), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        HttpAssert.RedirectsToSignIn(await browser.GetAsync(AuthClientPages.List));
    }

    [Fact]
    public async Task SignIn_AfterFourWrongPasswords_AcceptsTheRightOne()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = app.CreateBrowser();
        for (var attempt = 1; attempt < IdentityHosting.MaxFailedSignIns; attempt++)
        {
            await browser.SignInAsync(email, WrongPassword);
        }

        await browser.SignInAsAsync(email);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);
    }

    [Fact]
    public async Task SignIn_AsDeactivatedUser_FailsWithTheSameMessage()
    {
        var email = await app.CreateUserAsync(superAdmin: true, active: false);
        var browser = app.CreateBrowser();

        var response = await browser.SignInAsync(email, AuthClientsAppFactory.UserPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(AccountController.FailedMessage), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(HttpAssert.SetCookies(response), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal));
        HttpAssert.RedirectsToSignIn(await browser.GetAsync(AuthClientPages.List));
    }

    [Fact]
    public async Task SignOut_ThenReplayingTheOldSessionCookie_IsRefused()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = app.CreateBrowser();
        var signIn = await browser.SignInAsync(email, AuthClientsAppFactory.UserPassword);
        var sessionCookies = SessionCookies(signIn);
        Assert.NotEmpty(sessionCookies);
        var replay = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        Assert.Equal(HttpStatusCode.OK, (await SendWithCookiesAsync(replay, sessionCookies)).StatusCode);

        var signOut = await browser.PostFormAsync(AuthClientPages.List, Routes.SignOut, []);
        Assert.Equal(Routes.SignIn, HttpAssert.RedirectTarget(signOut));

        HttpAssert.RedirectsToSignIn(await browser.GetAsync(AuthClientPages.List));
        HttpAssert.RedirectsToSignIn(await SendWithCookiesAsync(replay, sessionCookies));
    }

    [Fact]
    public async Task SignIn_WithExternalReturnUrl_StaysOnTheSite()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = app.CreateBrowser();

        var response = await browser.PostFormAsync(Routes.SignIn, Routes.SignIn,
            [new("Email", email), new("Password", AuthClientsAppFactory.UserPassword), new("ReturnUrl", "https://evil.example/phish")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/", location, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithLocalReturnUrl_GoesBackThere()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = app.CreateBrowser();

        var response = await browser.PostFormAsync(Routes.SignIn, Routes.SignIn,
            [new("Email", email), new("Password", AuthClientsAppFactory.UserPassword), new("ReturnUrl", AuthClientPages.CreatePage)]);

        Assert.Equal(AuthClientPages.CreatePage, HttpAssert.RedirectTarget(response));
    }

    /// <summary>"name=value" of each session cookie (the cookie may be split into chunks).</summary>
    private static List<string> SessionCookies(HttpResponseMessage response) =>
        HttpAssert.SetCookies(response)
            .Where(c => c.StartsWith(SessionCookie, StringComparison.Ordinal))
            .Select(c => c.Split(';')[0])
            .ToList();

    private static async Task<HttpResponseMessage> SendWithCookiesAsync(HttpClient client, IEnumerable<string> cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, AuthClientPages.List);
        request.Headers.Add("Cookie", string.Join("; ", cookies));
        return await client.SendAsync(request);
    }

    /// <summary>The page without what legitimately differs: the anti-forgery token and the email typed in.</summary>
    private static async Task<string> ComparablePageAsync(HttpResponseMessage response, string email)
    {
        var html = await response.Content.ReadAsStringAsync();
        return TokenValue().Replace(html.Replace(email, "{email}", StringComparison.Ordinal), "value=\"{token}\"");
    }

    [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" type=\"hidden\" )value=\"[^\"]+\"")]
    private static partial Regex TokenValue();
}
