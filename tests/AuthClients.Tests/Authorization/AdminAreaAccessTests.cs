using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;

namespace AuthClients.Tests.Authorization;

/// <summary>The rest of the admin area the Auth Clients page sits in: the Users page and the Admin menu entry.</summary>
public sealed class AdminAreaAccessTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task UsersPage_WhenAnonymous_RedirectsToSignIn()
    {
        HttpAssert.RedirectsToSignIn(await app.CreateBrowser().GetAsync(Routes.Users));
    }

    public static TheoryData<string[]> WithoutViewUsers => new()
    {
        Array.Empty<string>(),
        new[] { Permissions.AuthClients.ViewKey, Permissions.AuthClients.CreateKey, Permissions.AuthClients.EditKey, Permissions.AuthClients.DeleteKey },
        new[] { Permissions.Users.CreateKey, Permissions.Users.EditKey, Permissions.Users.DeleteKey },
    };

    [Theory]
    [MemberData(nameof(WithoutViewUsers))]
    public async Task UsersPage_WithoutViewUsers_Returns403(string[] held)
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: held));

        await HttpAssert.IsForbiddenPageAsync(await browser.GetAsync(Routes.Users));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task UsersPage_WithViewUsersOrAsSuperAdmin_IsShown(bool superAdmin, bool throughGroup)
    {
        string[] permissions = superAdmin ? [] : [Permissions.Users.ViewKey];
        var email = throughGroup
            ? await app.CreateUserAsync(groupPermissions: permissions)
            : await app.CreateUserAsync(permissions: permissions, superAdmin: superAdmin);
        var browser = await app.SignedInAsync(email);

        var response = await browser.GetAsync(Routes.Users);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(email, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Permissions.AuthClients.ViewKey, "Auth Clients")]
    [InlineData(Permissions.Users.ViewKey, "Users")]
    public async Task AdminMenu_OpensTheDashboard_WithTheSidebarEntriesTheUserMayOpen(string permission, string entry)
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [permission]));

        var home = await browser.GetAsync("/");
        var dashboard = await browser.GetDocumentAsync(Routes.Dashboard);

        Assert.Equal(Routes.Dashboard, HttpAssert.RedirectTarget(home));
        Assert.Equal("Dashboard", dashboard.QuerySelector("main h1")!.TextContent.Trim());
        var sidebar = dashboard.QuerySelectorAll("nav[aria-label=Admin] a").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(["Dashboard", entry], sidebar);
    }

    [Fact]
    public async Task AdminMenu_WhenAnonymous_RedirectsToSignIn()
    {
        HttpAssert.RedirectsToSignIn(await app.CreateBrowser().GetAsync("/admin"));
    }
}
