using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.Groups;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Groups;

/// <summary>A group's Members tab.</summary>
public sealed class GroupMembersTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task AddingAMember_GivesThemTheGroupsPermissionsOnTheirNextRequest()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, userId) = await app.CreateUserWithIdAsync();
        var groupId = await app.CreateGroupAsync(permissions: [ViewAuthClients]);
        var theirs = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirs.GetAsync(AuthClientPages.List)).StatusCode);

        var response = await admin.PostAsync(MembersPage(groupId) + "/add", [new("userId", userId)]);

        Assert.EndsWith("was added to the group.", await admin.FollowStatusAsync(response), StringComparison.Ordinal);
        Assert.Equal([userId], await app.GroupMemberIdsAsync(groupId));
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync(AuthClientPages.List)).StatusCode);
        var record = (await app.AuditRecordsAsync(groupId)).Last();
        Assert.Equal("group.member-added", record.Action);
        Assert.Contains(email, record.Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovingAMember_TakesTheGroupsPermissionsAway()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, userId) = await app.CreateUserWithIdAsync();
        var groupId = await app.CreateGroupAsync(permissions: [ViewAuthClients], memberIds: [userId]);
        var theirs = await app.SignedInAsync(email);

        var response = await admin.PostAsync($"{MembersPage(groupId)}/{userId}/remove", []);

        Assert.EndsWith("was removed from the group.", await admin.FollowStatusAsync(response), StringComparison.Ordinal);
        Assert.Empty(await app.GroupMemberIdsAsync(groupId));
        Assert.Equal(HttpStatusCode.Forbidden, (await theirs.GetAsync(AuthClientPages.List)).StatusCode);
        Assert.Equal("group.member-removed", (await app.AuditRecordsAsync(groupId)).Last().Action);
    }

    [Fact]
    public async Task Tab_ListsMembers_AndFindsOnlyUsersOutsideTheGroup()
    {
        var admin = await app.SignedInAsAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var inside = await app.CreateUserAsync(email: $"inside-{tag}@example.test");
        var outside = await app.CreateUserAsync(email: $"outside-{tag}@example.test");
        var groupId = await app.CreateGroupAsync(memberIds: [await app.UserIdAsync(inside)]);

        var html = await admin.GetStringAsync($"{MembersPage(groupId)}?find={tag}");

        Assert.Contains($"aria-label=\"Remove {inside} from the group\"", html, StringComparison.Ordinal);
        Assert.Contains($"aria-label=\"Add {outside} to the group\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"aria-label=\"Add {inside} to the group\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tab_WithMoreMembersThanAPage_PagesThemLikeTheOtherLists()
    {
        var admin = await app.SignedInAsAdminAsync();
        var memberIds = new List<string>();
        for (var i = 0; i <= GroupMemberService.PageSize; i++)
        {
            memberIds.Add((await app.CreateUserWithIdAsync()).Id);
        }

        var groupId = await app.CreateGroupAsync(memberIds: [.. memberIds]);
        var total = memberIds.Count;

        var first = await admin.GetStringAsync(MembersPage(groupId));
        var last = await admin.GetStringAsync($"{MembersPage(groupId)}?page=2");
        var beyond = await admin.GetStringAsync($"{MembersPage(groupId)}?page=99");

        Assert.Contains($"Showing 1-{GroupMemberService.PageSize} of {total}", first, StringComparison.Ordinal);
        Assert.Contains($"<a class=\"page-link\" href=\"{MembersPage(groupId)}?page=2\">Next</a>", first, StringComparison.Ordinal);
        Assert.Contains($"Showing {total}-{total} of {total}", last, StringComparison.Ordinal);
        Assert.Contains($"Showing {total}-{total} of {total}", beyond, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"perPage\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingYourself_IsForbidden_UnlessSuperAdmin()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, ViewGroups, EditGroups]);
        var groupId = await app.CreateGroupAsync();
        var browser = await app.SignedInAsync(email);

        var page = await browser.GetStringAsync($"{MembersPage(groupId)}?find={email}");
        var response = await browser.PostAsync(MembersPage(groupId) + "/add", [new("userId", id)]);

        Assert.DoesNotContain($"Add {email} to the group", page, StringComparison.Ordinal);
        Assert.Contains("You cannot add yourself", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await app.GroupMemberIdsAsync(groupId));
    }

    [Fact]
    public async Task RemovingYourself_IsForbidden_UnlessSuperAdmin()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, ViewGroups, EditGroups]);
        var groupId = await app.CreateGroupAsync(memberIds: [id]);
        var browser = await app.SignedInAsync(email);

        var response = await browser.PostAsync($"{MembersPage(groupId)}/{id}/remove", []);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal([id], await app.GroupMemberIdsAsync(groupId));
    }

    [Fact]
    public async Task AddingSomeoneToAGroupThatGrantsRightsYouLack_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups, EditGroups]));
        var (_, userId) = await app.CreateUserWithIdAsync();
        var groupId = await app.CreateGroupAsync(permissions: [DeleteUsers, ViewUsers]);

        var page = await browser.GetAsync(MembersPage(groupId));
        var response = await browser.PostAsync(MembersPage(groupId) + "/add", [new("userId", userId)]);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await app.GroupMemberIdsAsync(groupId));
    }

    [Fact]
    public async Task AddingAUserWhoNoLongerExists_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();
        var groupId = await app.CreateGroupAsync();

        var response = await admin.PostAsync(MembersPage(groupId) + "/add", [new("userId", Guid.NewGuid().ToString())]);

        Assert.Equal("This user no longer exists.", await admin.FollowStatusAsync(response));
    }
}
