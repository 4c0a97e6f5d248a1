using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Groups;

/// <summary>A group's Permissions tab: same rules as a user's.</summary>
public sealed class GroupPermissionsTabTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task ChoosingCreate_AlsoChoosesEditAndView_AndIsAudited()
    {
        var admin = await app.SignedInAsAdminAsync();
        var id = await app.CreateGroupAsync();

        var response = await admin.PostAsync(Tab(id), PermissionsForm([CreateUsers]));

        Assert.Equal("The permissions were saved. They apply to every member from their next request.", await admin.FollowStatusAsync(response));
        Assert.Equal([CreateUsers, EditUsers, ViewUsers], await app.GroupPermissionsAsync(id));
        using var changes = JsonDocument.Parse((await app.AuditRecordsAsync(id)).Last().Changes!);
        Assert.Equal([CreateUsers, EditUsers, ViewUsers], changes.RootElement.GetProperty("permissions").GetProperty("to").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RemovingView_RemovesTheOthers_AndUnknownKeysAreIgnored()
    {
        var admin = await app.SignedInAsAdminAsync();
        var id = await app.CreateGroupAsync(permissions: [ViewGroups, EditGroups, DeleteGroups]);

        await admin.PostAsync(Tab(id), PermissionsForm([EditGroups, DeleteGroups, "super-admin", "view-everything"]));

        Assert.Empty(await app.GroupPermissionsAsync(id));
    }

    [Fact]
    public async Task Tab_HasNoSuperAdminCheckbox_AndShowsTheCatalogue()
    {
        var admin = await app.SignedInAsAdminAsync();
        var id = await app.CreateGroupAsync(permissions: [ViewUsers]);

        var html = await admin.GetStringAsync(Tab(id));

        Assert.DoesNotContain("Make this user a Super Admin", html, StringComparison.Ordinal);
        Assert.Equal((true, false), Checkbox(html, ViewUsers));
        Assert.Equal((false, false), Checkbox(html, DeleteGroups));
    }

    [Fact]
    public async Task AMemberCannotChangeTheirGroupsPermissions_UnlessSuperAdmin()
    {
        var (email, userId) = await app.CreateUserWithIdAsync(permissions: [ViewGroups, EditGroups, ViewUsers]);
        var id = await app.CreateGroupAsync(memberIds: [userId]);
        var browser = await app.SignedInAsync(email);

        var page = await browser.GetStringAsync(Tab(id));
        var response = await browser.PostAsync(Tab(id), PermissionsForm([ViewUsers]));

        Assert.Contains("You belong to this group", page, StringComparison.Ordinal);
        Assert.Equal((false, true), Checkbox(page, ViewUsers));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await app.GroupPermissionsAsync(id));
    }

    [Fact]
    public async Task GrantingAPermissionYouDoNotHold_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups, EditGroups]));
        var id = await app.CreateGroupAsync();

        var page = await browser.GetStringAsync(Tab(id));
        var response = await browser.PostAsync(Tab(id), PermissionsForm([ViewGroups, ViewAuthClients]));

        Assert.Equal((false, true), Checkbox(page, ViewAuthClients));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await app.GroupPermissionsAsync(id));
    }

    [Fact]
    public async Task GrantingWhatYouHold_Works_ForSomeoneWhoIsNotSuperAdmin()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups, EditGroups]));
        var id = await app.CreateGroupAsync();

        var response = await browser.PostAsync(Tab(id), PermissionsForm([EditGroups]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal([EditGroups, ViewGroups], await app.GroupPermissionsAsync(id));
    }

    private static string Tab(string id) => $"{UserGroupPages.Groups}/{id}/permissions";
}
