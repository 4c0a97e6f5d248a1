using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Users;

/// <summary>A user's Permissions tab: the catalogue, the rules between its boxes, and what nobody may do with it.</summary>
public sealed class UserPermissionsTabTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string CreateAuthClients = "create-auth_clients";
    private const string EditAuthClients = "edit-auth_clients";
    private const string DeleteAuthClients = "delete-auth_clients";

    [Fact]
    public async Task Tab_ShowsSuperAdminAndTheCatalogueByCategory()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync(permissions: [ViewAuthClients]);

        var html = await admin.GetStringAsync(Tab(id));

        Assert.Contains("Make this user a Super Admin", html, StringComparison.Ordinal);
        foreach (var category in new[] { "Auth Clients", "Users", "Groups" })
        {
            Assert.Contains($">{category}</legend>", html, StringComparison.Ordinal);
        }

        foreach (var name in new[] { "View Auth Clients", "Create Auth Clients", "Edit Auth Clients", "Delete Auth Clients", "View Users", "Delete Groups" })
        {
            Assert.Contains($">{name}</label>", html, StringComparison.Ordinal);
        }

        Assert.Equal((true, false), Checkbox(html, ViewAuthClients));
        Assert.Equal((false, false), Checkbox(html, CreateAuthClients));
    }

    [Fact]
    public async Task ChoosingCreate_AlsoChoosesEditAndView()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();

        var response = await admin.SaveUserPermissionsAsync(app, id, [CreateAuthClients]);

        Assert.Equal("The permissions were saved. They apply from the user's next request.", await admin.FollowStatusAsync(response));
        Assert.Equal([CreateAuthClients, EditAuthClients, ViewAuthClients], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task ChoosingDelete_AlsoChoosesView_ButNotEdit()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();

        await admin.SaveUserPermissionsAsync(app, id, [DeleteUsers]);

        Assert.Equal([DeleteUsers, ViewUsers], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task RemovingView_RemovesTheOthersOfItsCategory()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync(permissions: [ViewAuthClients, CreateAuthClients, EditAuthClients, DeleteAuthClients, ViewUsers]);

        await admin.SaveUserPermissionsAsync(app, id, [CreateAuthClients, EditAuthClients, DeleteAuthClients, ViewUsers]);

        Assert.Equal([ViewUsers], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task RemovingEdit_RemovesCreate()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync(permissions: [ViewAuthClients, CreateAuthClients, EditAuthClients]);

        await admin.SaveUserPermissionsAsync(app, id, [ViewAuthClients, CreateAuthClients]);

        Assert.Equal([ViewAuthClients], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task UnknownPermissionKeys_AreIgnored()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();

        var response = await admin.SaveUserPermissionsAsync(app, id, ["view-everything", "VIEW-USERS", "", ViewGroups]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal([ViewGroups], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task Tab_ShowsReadOnly_WhatTheUserGetsThroughGroups()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();
        await app.CreateGroupAsync(name: "Client Viewers", permissions: [ViewAuthClients], memberIds: [id]);

        var html = await admin.GetStringAsync(Tab(id));

        Assert.Contains("Also given by group: Client Viewers", html, StringComparison.Ordinal);
        Assert.Equal((false, false), Checkbox(html, ViewAuthClients));
    }

    [Fact]
    public async Task AChange_AppliesOnTheNextRequest_WithoutSigningInAgain()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();
        var theirs = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirs.GetAsync(AuthClientPages.List)).StatusCode);

        await admin.SaveUserPermissionsAsync(app, id, [ViewAuthClients]);
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync(AuthClientPages.List)).StatusCode);

        await admin.SaveUserPermissionsAsync(app, id, []);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirs.GetAsync(AuthClientPages.List)).StatusCode);
    }

    [Fact]
    public async Task AChange_IsAudited_WithBeforeAndAfter()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync(permissions: [ViewGroups]);

        await admin.SaveUserPermissionsAsync(app, id, [ViewUsers], superAdmin: true);

        var record = (await app.AuditRecordsAsync(id)).Last();
        Assert.Equal("user.permissions-changed", record.Action);
        Assert.Equal(AuthClientsAppFactory.AdminEmail, record.ActorName);
        using var changes = JsonDocument.Parse(record.Changes!);
        var permissions = changes.RootElement.GetProperty("permissions");
        Assert.Equal([ViewGroups], permissions.GetProperty("from").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([ViewUsers], permissions.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.True(changes.RootElement.GetProperty("super_admin").GetProperty("to").GetBoolean());
    }

    [Fact]
    public async Task ASaveFromAnOutdatedPage_IsRefused()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();
        var stamp = (await app.FindUserAsync(id))!.ConcurrencyStamp;
        await admin.PostAsync(Tab(id), PermissionsForm([ViewUsers], concurrencyStamp: stamp));

        var second = await admin.PostAsync(Tab(id), PermissionsForm([ViewGroups], concurrencyStamp: stamp));

        Assert.Contains("Someone else saved this user", SummaryErrors(await second.Content.ReadAsStringAsync()).Single(), StringComparison.Ordinal);
        Assert.Equal([ViewUsers], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task ASuperAdmin_CanGrantSuperAdmin_WhichPassesEveryCheck()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();

        await admin.SaveUserPermissionsAsync(app, id, [], superAdmin: true);

        Assert.True((await app.FindUserAsync(id))!.IsSuperAdmin);
        var theirs = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync($"{UserGroupPages.Groups}/create")).StatusCode);
    }

    // --- Escalation attempts -----------------------------------------------------------------

    [Fact]
    public async Task GrantingYourselfAPermission_IsForbidden()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, EditUsers]);
        var browser = await app.SignedInAsync(email);

        var response = await browser.SaveUserPermissionsAsync(app, id, [ViewUsers, EditUsers, DeleteUsers]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal([EditUsers, ViewUsers], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task YourOwnTab_IsReadOnly_UnlessSuperAdmin()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, EditUsers]);
        var browser = await app.SignedInAsync(email);

        var html = await browser.GetStringAsync(Tab(id));

        Assert.Contains("You cannot change your own permissions.", html, StringComparison.Ordinal);
        Assert.Equal((true, true), Checkbox(html, EditUsers));
        Assert.DoesNotContain(">Save</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantingSuperAdmin_WithoutBeingOne_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers]));
        var (_, id) = await app.CreateUserWithIdAsync();

        var page = await browser.GetStringAsync(Tab(id));
        var response = await browser.SaveUserPermissionsAsync(app, id, [], superAdmin: true);

        Assert.Matches("<input type=\"checkbox\"[^>]*id=\"super-admin\"[^>]*disabled=\"disabled\"", page);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False((await app.FindUserAsync(id))!.IsSuperAdmin);
    }

    [Fact]
    public async Task GrantingAPermissionYouDoNotHold_IsForbidden_AndItsBoxIsDisabled()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers]));
        var (_, id) = await app.CreateUserWithIdAsync();

        var page = await browser.GetStringAsync(Tab(id));
        var response = await browser.SaveUserPermissionsAsync(app, id, [ViewUsers, ViewAuthClients]);

        Assert.Equal((false, true), Checkbox(page, ViewAuthClients));
        Assert.Equal((false, false), Checkbox(page, ViewUsers));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task GrantingWhatYouHold_Works_ForSomeoneWhoIsNotSuperAdmin()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers, ViewAuthClients]));
        var (_, id) = await app.CreateUserWithIdAsync();

        var response = await browser.SaveUserPermissionsAsync(app, id, [ViewAuthClients, ViewUsers]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal([ViewAuthClients, ViewUsers], await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task ARuleThatWouldAddAPermissionYouDoNotHold_IsExplained_AndNothingChanges()
    {
        // Holding Create without Edit happens only through data set up outside the pages.
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers, ViewAuthClients, CreateAuthClients]));
        var (_, id) = await app.CreateUserWithIdAsync();

        var response = await browser.SaveUserPermissionsAsync(app, id, [CreateAuthClients]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("would also change Edit Auth Clients, which you do not hold yourself", SummaryErrors(await response.Content.ReadAsStringAsync()).Single(), StringComparison.Ordinal);
        Assert.Empty(await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task ChangingSomeoneWhoHoldsRightsYouLack_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers]));
        var (_, id) = await app.CreateUserWithIdAsync(groupPermissions: [ViewAuthClients]);

        var page = await browser.GetAsync(Tab(id));
        var response = await browser.SaveUserPermissionsAsync(app, id, [ViewUsers]);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await app.OwnPermissionsAsync(id));
    }

    [Fact]
    public async Task PostingExtraPermissionFields_ChangesNothingElse()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();

        await admin.PostAsync(Tab(id), PermissionsForm([ViewUsers], concurrencyStamp: (await app.FindUserAsync(id))!.ConcurrencyStamp)
            .Append(new("Permissions", DeleteUsers))
            .Append(new("IsSuperAdmin", "true"))
            .Append(new("Form.IsSuperAdmin", "true"))
            .Append(new("Form.UserId", Guid.NewGuid().ToString())));

        Assert.Equal([ViewUsers], await app.OwnPermissionsAsync(id));
        Assert.False((await app.FindUserAsync(id))!.IsSuperAdmin);
    }

    private static string Tab(string id) => $"{UserGroupPages.Users}/{id}/permissions";
}
