using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Ui;

/// <summary>
/// axe-core over every page and every dialog, in the light and the dark colour scheme (the app
/// follows the browser's setting): for a Super Admin, for a user who may only view, and for the
/// pages met while signed out or in the middle of an OAuth request. Serious or critical findings fail.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task SuperAdmin_EveryPageAndDialog_HasNoSeriousViolations(ColorScheme scheme)
    {
        await UseColorSchemeAsync(scheme);
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync("Billing Service");
        await Page.CreateClientAsync("Customer Portal", clientCredentials: false, redirectUrl: "https://portal.example.com/signin-oidc", personalAccessTokens: true);
        await Session.App.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey]);
        await CreateGroupAsync("Operators");

        await CheckAsync(Routes.Dashboard, "the Dashboard");
        await CheckAsync(Routes.AuthClients, "the Auth Clients list");
        await CopySecretAndCheckAsync();
        await OpenDeleteDialogAndCheckAsync("the Auth Clients delete dialog");

        await CheckAsync(Routes.AuthClients + "/create", "the Create Auth-Client form");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByText(AuthClientSettings.NameRequiredMessage)).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the Create Auth-Client form with its errors");

        var edit = await FirstRowLinkAsync(Routes.AuthClients, "Edit");
        await CheckAsync(edit, "the Edit Auth-Client form");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await Page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate secret" }).WaitUntilShownAsync();
        await Page.AssertNoSeriousViolationsAsync("the Rotate secret dialog");
        await Page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate secret" }).GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await Expect(Page.Locator("table.credentials tbody tr")).ToHaveCountAsync(2);
        await Page.AssertNoSeriousViolationsAsync("the credentials after a rotation");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Revoke now" }).First.ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).WaitUntilShownAsync();
        await Page.AssertNoSeriousViolationsAsync("the Revoke now dialog");
        await CheckAsync(edit.Replace("/edit", "/activity", StringComparison.Ordinal), "a client's Activity tab");

        await CheckAsync(Routes.Users, "the Users list");
        await OpenDeleteDialogAndCheckAsync("the Users delete dialog");
        await CheckAsync(Routes.Users + "/create", "the Create User form");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Page.AssertNoSeriousViolationsAsync("the Create User form with its errors");
        var user = await FirstRowLinkAsync(Routes.Users, "Edit");
        await CheckAsync(user, "the Edit User form");
        await CheckAsync(user.Replace("/edit", "/password", StringComparison.Ordinal), "a user's Password tab");
        await CheckAsync(user.Replace("/edit", "/permissions", StringComparison.Ordinal), "a user's Permissions tab");

        await CheckAsync(Routes.Groups, "the Groups list");
        await OpenDeleteDialogAndCheckAsync("the Groups delete dialog");
        await CheckAsync(Routes.Groups + "/create", "the Create Group form");
        var group = await FirstRowLinkAsync(Routes.Groups, "Edit");
        await CheckAsync(group, "the Edit Group form");
        await CheckAsync(group.Replace("/edit", "/members", StringComparison.Ordinal), "a group's Members tab");
        await CheckAsync(group.Replace("/edit", "/permissions", StringComparison.Ordinal), "a group's Permissions tab");

        await CheckAsync(Routes.AuditLog, "the Audit Log");
        await CheckAsync(Routes.Profile, "the Profile");
        await CheckAsync(Routes.Profile + "/api-tokens", "the API Tokens tab");
        await Page.GetByLabel("Name").FillAsync("release script");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(Page.GetByText("Your new token is shown once")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy token to clipboard" }).ClickAsync();
        await Expect(Page.GetByText("Copied")).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("a new API token, shown once and copied");
        Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));
        await CheckAsync("/admin/no-such-page", "the Not Found page", expectedStatus: 404);
    }

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task ViewOnlyUser_EveryPageTheyMaySee_HasNoSeriousViolations(ColorScheme scheme)
    {
        await UseColorSchemeAsync(scheme);
        await Session.App.CreateClientAsync(new AuthClientSettings { Name = "Billing Service", Grants = new(ClientCredentials: true) });
        var viewer = await Session.App.CreateUserAsync(permissions:
            [Permissions.AuthClients.ViewKey, Permissions.Users.ViewKey, Permissions.Groups.ViewKey, Permissions.Audit.ViewKey]);
        await Page.SignInAsync(viewer, AuthClientsAppFactory.UserPassword);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        await CheckAsync(Routes.Dashboard, "the Dashboard");
        await CheckAsync(Routes.AuthClients, "the Auth Clients list");
        var activity = await FirstRowLinkAsync(Routes.AuthClients, "Activity");
        await CheckAsync(activity, "a client's Activity tab");
        await CheckAsync(Routes.Users, "the Users list");
        await CheckAsync(Routes.Groups, "the Groups list");
        await CheckAsync(Routes.AuditLog, "the Audit Log");
        await CheckAsync(Routes.Profile, "the Profile");
        await CheckAsync(Routes.Profile + "/api-tokens", "the API Tokens tab");
        Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));
        await CheckAsync(Routes.AuthClients + "/create", "the Access denied page", expectedStatus: 403);
    }

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task SignInConsentAndLogoutPages_HaveNoSeriousViolations(ColorScheme scheme)
    {
        await UseColorSchemeAsync(scheme);
        var client = await Session.App.CreateClientAsync(new AuthClientSettings
        {
            Name = "Relying Party",
            Grants = new(AuthorizationCode: true),
            RedirectUris = ["https://rp.example.test/signin-oidc"],
        });

        await CheckAsync(Routes.SignIn, "the sign-in page");
        await Page.SignInHereAsync(password: "not the password at all");
        await Expect(Page.GetByText("Invalid email or password.")).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the sign-in page with its error");

        await Page.SignInHereAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        var authorize = $"{Routes.Authorize}?client_id={client.ClientId}&response_type=code&scope=openid&state=abc"
            + "&redirect_uri=" + Uri.EscapeDataString("https://rp.example.test/signin-oidc")
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        await Page.GotoAsync(authorize);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Relying Party to access your account?" })).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the consent page");

        await CheckAsync(Routes.EndSession, "the Sign out? page");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign out?" })).ToBeVisibleAsync();
        Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));
    }

    /// <summary>The browser's colour-scheme setting; the app's pages must follow it.</summary>
    private async Task UseColorSchemeAsync(ColorScheme scheme) =>
        await Page.EmulateMediaAsync(new() { ColorScheme = scheme });

    private async Task CheckAsync(string path, string what, int expectedStatus = 200)
    {
        var response = await Page.GotoAsync(path);
        Assert.Equal(expectedStatus, response!.Status);
        await AssertThemeFollowsBrowserAsync();
        await Page.AssertNoSeriousViolationsAsync(what);
    }

    /// <summary>The page is drawn in the scheme the browser asks for (so axe checks the contrast of that scheme).</summary>
    private async Task AssertThemeFollowsBrowserAsync()
    {
        var dark = await Page.EvaluateAsync<bool>("() => matchMedia('(prefers-color-scheme: dark)').matches");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", dark ? "dark" : "light");
    }

    private async Task<string> FirstRowLinkAsync(string list, string name)
    {
        await Page.GotoAsync(list);
        var href = await Page.Locator("tbody").GetByRole(AriaRole.Button, new() { Name = name }).First.GetAttributeAsync("href");
        return href ?? throw new InvalidOperationException($"The first row of {list} has no {name} link.");
    }

    private async Task OpenDeleteDialogAndCheckAsync(string what)
    {
        var delete = Page.Locator("tbody").GetByRole(AriaRole.Button, new() { Name = "Delete" }).First;
        await delete.ClickAsync();
        await Page.DeleteDialog().WaitUntilShownAsync();
        await Page.AssertNoSeriousViolationsAsync(what);
        await Page.Keyboard.PressAsync("Escape");
        await Expect(Page.DeleteDialog()).ToBeHiddenAsync();
    }

    private async Task CopySecretAndCheckAsync()
    {
        await Page.CopySecretAsync(Page.ClientRow("Billing Service"));
        await Page.AssertNoSeriousViolationsAsync("the Auth Clients list after a copy");
    }

    private async Task CreateGroupAsync(string name)
    {
        await Page.GotoAsync(Routes.Groups + "/create");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert).Or(Page.GetByRole(AriaRole.Status)).First).ToBeVisibleAsync();
    }
}
