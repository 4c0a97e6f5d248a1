using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Features.Groups;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Authorization;

/// <summary>
/// A page shows users, groups or clients only to someone holding the View permission of that
/// kind, whatever other permission opened the page: Edit Groups does not list users, Edit Users
/// does not name groups. The page says why something is left out.
/// </summary>
public sealed class ViewPermissionVisibilityTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task GroupMembersTab_WithoutViewUsers_ShowsNoUser_AndSaysWhy()
    {
        var (member, outsider, groupId, tag) = await ArrangeGroupAsync();
        var editor = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups, EditGroups]));

        var response = await editor.GetAsync($"{MembersPage(groupId)}?find={tag}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(WebUtility.HtmlEncode(GroupMembers.NeedsViewUsersMessage), html, StringComparison.Ordinal);
        Assert.Contains("Members (1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain(tag, html.Replace($"find={tag}", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain(member, html, StringComparison.Ordinal);
        Assert.DoesNotContain(outsider, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupMembersTab_WithViewUsers_ShowsMembersAndCandidates()
    {
        var (member, outsider, groupId, tag) = await ArrangeGroupAsync();
        var editor = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, ViewGroups, EditGroups]));

        var html = await editor.GetStringAsync($"{MembersPage(groupId)}?find={tag}");

        Assert.DoesNotContain(WebUtility.HtmlEncode(GroupMembers.NeedsViewUsersMessage), html, StringComparison.Ordinal);
        Assert.Contains(member, html, StringComparison.Ordinal);
        Assert.Contains(outsider, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingOrRemovingMembers_WithoutViewUsers_IsForbidden_AndNamesNobody()
    {
        var (member, outsider, groupId, _) = await ArrangeGroupAsync();
        var editor = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups, EditGroups]));
        var memberId = await app.UserIdAsync(member);

        var add = await editor.PostAsync(MembersPage(groupId) + "/add", [new("userId", await app.UserIdAsync(outsider))]);
        var addUnknown = await editor.PostAsync(MembersPage(groupId) + "/add", [new("userId", Guid.NewGuid().ToString())]);
        var remove = await editor.PostAsync($"{MembersPage(groupId)}/{memberId}/remove", []);

        Assert.All([add, addUnknown, remove], response => Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode));
        Assert.Equal([memberId], await app.GroupMemberIdsAsync(groupId));
    }

    [Fact]
    public async Task UserPermissionsTab_WithoutViewGroups_SaysAGroupGivesIt_WithoutNamingIt()
    {
        var groupName = $"Hidden group {Guid.NewGuid():N}";
        var (_, userId) = await app.CreateUserWithIdAsync();
        await app.CreateGroupAsync(name: groupName, permissions: [ViewUsers], memberIds: [userId]);
        var withoutViewGroups = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers]));
        var withViewGroups = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers, ViewGroups]));

        var hidden = await withoutViewGroups.GetStringAsync($"{UserGroupPages.Users}/{userId}/permissions");
        var shown = await withViewGroups.GetStringAsync($"{UserGroupPages.Users}/{userId}/permissions");

        Assert.DoesNotContain(groupName, hidden, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(PermissionsViewModel.GivenByAGroupMessage), hidden, StringComparison.Ordinal);
        Assert.Contains(groupName, shown, StringComparison.Ordinal);
    }

    /// <summary>A group with one member, and a user outside it; both emails carry <c>tag</c>, which the "add" search finds.</summary>
    private async Task<(string Member, string Outsider, string GroupId, string Tag)> ArrangeGroupAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var member = await app.CreateUserAsync(email: $"member-{tag}@example.test");
        var outsider = await app.CreateUserAsync(email: $"outsider-{tag}@example.test");
        var groupId = await app.CreateGroupAsync(memberIds: [await app.UserIdAsync(member)]);
        return (member, outsider, groupId, tag);
    }
}
