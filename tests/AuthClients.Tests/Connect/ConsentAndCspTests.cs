using System.Net;
using AuthClients.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthClients.Tests.Connect;

/// <summary>
/// The authorization endpoint as a protocol endpoint (GET and POST, no anti-forgery token) apart
/// from the consent decision (anti-forgery checked), and the one other origin each page's CSP lets
/// its forms end at. The browser side of the same is proven in Chromium (RelyingPartyFlowTests).
/// </summary>
public sealed class ConsentAndCspTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string ClientOrigin = "http://localhost"; // RegisteredClients.RedirectUri's origin

    [Fact]
    public async Task AuthorizationRequestByPost_SignedOut_ContinuesAsGet_ThenAsksToSignIn()
    {
        var (driver, _) = await ArrangeAsync();
        var browser = app.CreateBrowser();

        var posted = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(AuthorizeParameters(driver)));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var continued = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/connect/authorize?", continued, StringComparison.Ordinal);
        Assert.Equal(driver.State, QueryHelpers.ParseQuery(new Uri("http://x" + continued).Query)["state"].ToString());
        var signIn = await browser.GetAsync(continued);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/account/login", signIn.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizationRequestByPost_SignedIn_ShowsConsent_WhoseFormMayEndOnlyAtTheClient()
    {
        var (driver, email) = await ArrangeAsync();
        var browser = await app.SignedInAsync(email);

        var consent = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(AuthorizeParameters(driver)));

        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("to access your account", await consent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal($"form-action 'self' {ClientOrigin}", FormAction(consent));
    }

    [Theory]
    [InlineData("submit.Accept")]
    [InlineData("submit.Deny")]
    public async Task ConsentDecision_WithoutAntiforgeryToken_Is400_AndSendsNothingToTheClient(string button)
    {
        var (driver, email) = await ArrangeAsync();
        var browser = await app.SignedInAsync(email);

        var decision = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent([.. AuthorizeParameters(driver), new(button, "x")]));

        Assert.Equal(HttpStatusCode.BadRequest, decision.StatusCode);
        Assert.Null(decision.Headers.Location);
    }

    [Fact]
    public async Task AllowAndDenyPostedTogether_Denies_NeverA500()
    {
        var (driver, email) = await ArrangeAsync();
        var browser = await app.SignedInAsync(email);
        var consent = await browser.GetStringAsync(driver.AuthorizeUrl());

        var both = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent([
            .. AuthorizeParameters(driver), new("submit.Accept", "Allow"), new("submit.Deny", "Deny"),
            new("__RequestVerificationToken", HtmlForms.ExtractAntiforgeryToken(consent))]));

        Assert.Equal(HttpStatusCode.Redirect, both.StatusCode);
        Assert.Equal("access_denied", QueryHelpers.ParseQuery(both.Headers.Location!.Query)["error"].ToString());
    }

    [Fact]
    public async Task PromptConsent_SurvivesTheSignIn_SoARememberedConsentIsAskedAgain()
    {
        var (driver, email) = await ArrangeAsync();
        await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword); // consent now remembered
        var browser = app.CreateBrowser();

        var challenge = await browser.GetAsync(driver.AuthorizeUrl() + "&prompt=login%20consent");
        var returnUrl = QueryHelpers.ParseQuery(challenge.Headers.Location!.Query)["ReturnUrl"].ToString();
        var signIn = await browser.PostFormAsync("/account/login", "/account/login", [new("Email", email), new("Password", AuthClientsAppFactory.UserPassword), new("ReturnUrl", returnUrl)]);
        var afterSignIn = await browser.GetAsync(signIn.Headers.Location);

        Assert.Equal("consent", QueryHelpers.ParseQuery(new Uri("http://x" + returnUrl).Query)["prompt"].ToString());
        Assert.Equal(HttpStatusCode.OK, afterSignIn.StatusCode);
        Assert.Contains("to access your account", await afterSignIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scope", "openid")]
    [InlineData("state", "other")]
    [InlineData("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")]
    public async Task RepeatedParameter_IsRefusedWithInvalidRequest_NotReadAsSomethingElse(string name, string value)
    {
        var (driver, email) = await ArrangeAsync();
        var browser = await app.SignedInAsync(email);

        var response = await browser.GetAsync(driver.AuthorizeUrl() + $"&{name}={Uri.EscapeDataString(value)}");

        // Refused either by OpenIddict itself (an error page: it checks some parameters before the
        // redirect is trusted) or by the endpoint (invalid_request back at the client); never a code.
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Null(response.Headers.Location);
            return;
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var answer = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("invalid_request", answer["error"].ToString());
        Assert.False(answer.ContainsKey("code"));
    }

    [Fact]
    public async Task MaxAge_OlderSignInIsAskedAgain_AndTheIdTokenSaysWhenTheUserSignedIn()
    {
        var (driver, email) = await ArrangeAsync();
        var browser = app.CreateBrowser();
        await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword); // consent remembered
        await browser.SignInAsAsync(email);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Task.Delay(TimeSpan.FromSeconds(1.1));

        var asked = await browser.GetAsync(driver.AuthorizeUrl() + "&max_age=0");
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.StartsWith("/account/login", asked.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        var returnUrl = QueryHelpers.ParseQuery(asked.Headers.Location.Query)["ReturnUrl"].ToString();
        Assert.DoesNotContain("max_age", returnUrl, StringComparison.Ordinal);

        var signIn = await browser.PostFormAsync("/account/login", "/account/login", [new("Email", email), new("Password", AuthClientsAppFactory.UserPassword), new("ReturnUrl", returnUrl)]);
        var callback = await browser.GetAsync(signIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var code = QueryHelpers.ParseQuery(callback.Headers.Location!.Query)["code"].ToString();
        var tokens = await driver.RedeemAsync(app.CreateClient(), code);

        Assert.False(tokens.IsError, tokens.Raw);
        var payload = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(tokens.IdentityToken!.Split('.')[1]));
        Assert.True(payload.RootElement.GetProperty("auth_time").GetInt64() > before, "auth_time is the second sign-in");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public async Task MaxAge_ThatIsNotSeconds_IsInvalidRequest(string maxAge)
    {
        var (driver, email) = await ArrangeAsync();
        var browser = await app.SignedInAsync(email);

        var response = await browser.GetAsync(driver.AuthorizeUrl() + "&max_age=" + maxAge);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("invalid_request", QueryHelpers.ParseQuery(response.Headers.Location!.Query)["error"].ToString());
    }

    [Fact]
    public async Task LogoutPostedFromTheClientsSite_ContinuesAsGet_SoTheSignedInUserCanConfirm()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);

        var posted = await app.CreateBrowser().PostAsync("/connect/logout", new FormUrlEncodedContent([new("state", "s1")]));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/connect/logout?state=s1", posted.Headers.Location!.OriginalString);
        var page = await browser.GetAsync(posted.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var confirmed = await browser.PostWithTokenAsync("/connect/logout", HtmlForms.ExtractAntiforgeryToken(await page.Content.ReadAsStringAsync()),
            [new("state", "s1"), new("submit.SignOut", "Sign out")]);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/profile")).StatusCode); // signed out
    }

    [Fact]
    public async Task SignInPage_ContinuingAnAuthorizationRequest_AllowsThatClientsRedirectOrigin_AndNothingElse()
    {
        var (driver, _) = await ArrangeAsync();
        var browser = app.CreateBrowser();
        var challenge = await browser.GetAsync(driver.AuthorizeUrl());
        var signInUrl = challenge.Headers.Location!.PathAndQuery;

        var signInPage = await browser.GetAsync(signInUrl);
        var wrongPassword = await browser.PostFormAsync(signInUrl, "/account/login", [
            new("Email", "nobody@example.test"), new("Password", "wrong password"),
            new("ReturnUrl", QueryHelpers.ParseQuery(challenge.Headers.Location.Query)["ReturnUrl"].ToString())]);

        Assert.Equal($"form-action 'self' {ClientOrigin}", FormAction(signInPage));
        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        Assert.Equal($"form-action 'self' {ClientOrigin}", FormAction(wrongPassword));
    }

    [Theory]
    [InlineData("https://evil.example/callback")] // not registered for the client
    [InlineData("http://localhost/callback/other")]
    [InlineData("")]
    public async Task SignInPage_WithAReturnUrlNamingAnUnregisteredRedirect_KeepsTheStrictPolicy(string redirectUri)
    {
        var (driver, _) = await ArrangeAsync();
        var returnUrl = driver.AuthorizeUrl(redirectUri: redirectUri);

        var page = await app.CreateBrowser().GetAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal("form-action 'self'", FormAction(page));
    }

    [Fact]
    public async Task PlainPages_KeepTheStrictPolicy()
    {
        var browser = app.CreateBrowser();

        Assert.Equal("form-action 'self'", FormAction(await browser.GetAsync("/account/login")));
        Assert.Equal("form-action 'self'", FormAction(await browser.GetAsync("/account/login?ReturnUrl=%2Fadmin%2Fauth-clients")));
    }

    private async Task<(AuthorizationCodeDriver Driver, string Email)> ArrangeAsync()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        return (new AuthorizationCodeDriver(app.CreateBrowser(), client), await app.CreateUserAsync());
    }

    private static IEnumerable<KeyValuePair<string, string>> AuthorizeParameters(AuthorizationCodeDriver driver) =>
        QueryHelpers.ParseQuery(new Uri("http://x" + driver.AuthorizeUrl()).Query).Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString()));

    private static string FormAction(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single().Split(';', StringSplitOptions.TrimEntries)
            .Single(d => d.StartsWith("form-action", StringComparison.Ordinal));
}
