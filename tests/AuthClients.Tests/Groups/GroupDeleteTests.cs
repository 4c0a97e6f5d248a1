using System.Net;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Groups;

/// <summary>Admin > Groups > Delete: the group goes, its members lose its permissions; not a group you belong to.</summary>
public sealed class GroupDeleteTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task Delete_RemovesTheGroup_AndItsMembersLoseItsPermissionsOnTheirNextRequest()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, memberId) = await app.CreateUserWithIdAsync();
        var id = await app.CreateGroupAsync(permissions: [ViewAuthClients], memberIds: [memberId]);
        var member = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync(AuthClientPages.List)).StatusCode);

        var response = await admin.PostAsync($"{UserGroupPages.Groups}/{id}/delete", []);

        Assert.Equal("The group was deleted.", await admin.FollowStatusAsync(response));
        Assert.Null(await app.FindGroupAsync(id));
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(AuthClientPages.List)).StatusCode);
        Assert.Equal("group.deleted", (await app.AuditRecordsAsync(id)).Last().Action);
    }

    [Fact]
    public async Task Delete_AGroupYouBelongTo_IsRefused_UnlessSuperAdmin()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewGroups, DeleteGroups]);
        var groupId = await app.CreateGroupAsync(memberIds: [id]);
        var browser = await app.SignedInAsync(email);

        var response = await browser.PostAsync($"{UserGroupPages.Groups}/{groupId}/delete", []);

        Assert.Equal("You cannot delete a group you belong to: it would change your own permissions.", await browser.FollowStatusAsync(response));
        Assert.NotNull(await app.FindGroupAsync(groupId));
    }
}
