using System.Text.RegularExpressions;
using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Connect;

/// <summary>
/// The authorization code flow as users meet it: in Chromium (which enforces the CSP, SameSite
/// cookies and form-action on redirects), with ASP.NET Core's own OpenID Connect handler as the
/// client, on another origin. Every test also asserts that no page reported a CSP violation,
/// a console error or a script error.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RelyingPartyFlowTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    // The first administrator's name, as the relying party reads it from the ID token.
    private const string SignedInAsAdmin = "Signed in as Super Admin";

    [Theory]
    [InlineData(OpenIdConnectResponseMode.FormPost)]
    [InlineData(OpenIdConnectResponseMode.Query)]
    public async Task SignedOutUser_SignsInAndConsents_LandsSignedInAtTheClient_WhichCallsTheApi_ThenSignsOutBackToIt(string responseMode)
    {
        var relyingParty = await StartRelyingPartyAsync(responseMode: responseMode);

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignInPath);
        // A wrong password first: the page shown again must still let the sign-in continue to the client.
        await Page.SignInHereAsync(password: "not the password at all");
        await Expect(Page.GetByText("Invalid email or password.")).ToBeVisibleAsync();
        await Page.SignInHereAsync();
        await AllowOnConsentPageAsync(relyingParty);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = SignedInAsAdmin })).ToBeVisibleAsync();
        Assert.StartsWith(relyingParty.BaseUrl, Page.Url, StringComparison.Ordinal);
        await Expect(Page.Locator("#email")).ToHaveTextAsync(AuthClientsAppFactory.AdminEmail);

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.ApiPath);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API answered 200" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#api")).ToContainTextAsync(AuthClientsAppFactory.AdminEmail);

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignOutPath);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign out?" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Signed out of the relying party" })).ToBeVisibleAsync();
        Assert.StartsWith(relyingParty.BaseUrl, Page.Url, StringComparison.Ordinal);

        // Signed out of AuthClients too: its pages ask for a sign-in again.
        await Page.GotoAsync(Session.App.BaseUrl + "/admin/auth-clients");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        AssertNoPageProblems();
    }

    [Fact]
    public async Task SignedInUser_SeesOnlyConsent_AndRememberedConsentSendsThemStraightBack()
    {
        var relyingParty = await StartRelyingPartyAsync(responseMode: OpenIdConnectResponseMode.Query);
        await Page.SignInAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignInPath);
        await AllowOnConsentPageAsync(relyingParty);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = SignedInAsAdmin })).ToBeVisibleAsync();

        // A new session at the client: AuthClients remembers the consent and shows no page at all.
        await Page.Context.ClearCookiesAsync(new() { Domain = "localhost" });
        var pagesShown = new List<string>();
        Page.Response += (_, response) =>
        {
            if (response.Status == 200 && response.Url.StartsWith(Session.App.BaseUrl, StringComparison.Ordinal) && response.Request.IsNavigationRequest)
            {
                pagesShown.Add(response.Url);
            }
        };
        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignInPath);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = SignedInAsAdmin })).ToBeVisibleAsync();
        Assert.Empty(pagesShown);
        AssertNoPageProblems();
    }

    [Fact]
    public async Task UserDenies_ClientGetsAccessDenied_AndNoSession()
    {
        var relyingParty = await StartRelyingPartyAsync();

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignInPath);
        await Page.SignInHereAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Relying Party to access your account?" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in failed" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#error")).ToHaveTextAsync("access_denied");
        await Page.GotoAsync(relyingParty.Home);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not signed in" })).ToBeVisibleAsync();
        AssertNoPageProblems();
    }

    [Fact]
    public async Task PublicClient_WithPkceAndNoSecret_CompletesTheFlow()
    {
        var relyingParty = await StartRelyingPartyAsync(isPublic: true);

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignInPath);
        await Page.SignInHereAsync();
        await AllowOnConsentPageAsync(relyingParty);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = SignedInAsAdmin })).ToBeVisibleAsync();

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.ApiPath);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API answered 200" })).ToBeVisibleAsync();
        AssertNoPageProblems();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AuthorizationRequestByPost_Works_SignedOutOrSignedIn(bool signedInFirst)
    {
        var relyingParty = await StartRelyingPartyAsync(authenticationMethod: OpenIdConnectRedirectBehavior.FormPost);
        if (signedInFirst)
        {
            await Page.SignInAsync();
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        }

        await Page.GotoAsync(relyingParty.BaseUrl + RelyingParty.SignInPath);
        if (!signedInFirst)
        {
            await Page.SignInHereAsync();
        }

        await AllowOnConsentPageAsync(relyingParty);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = SignedInAsAdmin })).ToBeVisibleAsync();
        AssertNoPageProblems();
    }

    [Fact]
    public async Task Logout_WithAnUnregisteredReturnAddress_RedirectsNowhere()
    {
        var relyingParty = await StartRelyingPartyAsync();
        await Page.SignInAsync();

        var response = await Page.GotoAsync($"{Session.App.BaseUrl}/connect/logout?post_logout_redirect_uri={Uri.EscapeDataString(relyingParty.BaseUrl + "/elsewhere")}&state=abc");

        Assert.Equal(400, response!.Status);
        Assert.StartsWith(Session.App.BaseUrl, Page.Url, StringComparison.Ordinal);
        await Expect(Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
    }

    private async Task AllowOnConsentPageAsync(RelyingParty relyingParty)
    {
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Relying Party to access your account?" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Page.WaitForURLAsync(new Regex("^" + Regex.Escape(relyingParty.BaseUrl)));
    }

    private void AssertNoPageProblems() => Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));

    /// <summary>Starts a relying party, then registers its client (the redirect URIs name its port).</summary>
    private async Task<RelyingParty> StartRelyingPartyAsync(
        bool isPublic = false,
        string responseMode = OpenIdConnectResponseMode.FormPost,
        OpenIdConnectRedirectBehavior authenticationMethod = OpenIdConnectRedirectBehavior.RedirectGet)
    {
        var relyingParty = DisposeAfterTest(await RelyingParty.StartAsync(Session.App.BaseUrl, responseMode, authenticationMethod));
        var client = await Session.App.CreateClientAsync(new AuthClientSettings
        {
            Name = "Relying Party",
            IsPublic = isPublic,
            Grants = new(AuthorizationCode: true),
            RedirectUris = [relyingParty.RedirectUri],
            PostLogoutRedirectUris = [relyingParty.PostLogoutRedirectUri],
        });
        relyingParty.UseClient(client.ClientId, client.Secret);
        return relyingParty;
    }
}
