using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Groups;

/// <summary>Admin > Groups: list, create, edit and delete.</summary>
public sealed partial class GroupPageTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string CreatePage = $"{UserGroupPages.Groups}/create";

    [Fact]
    public async Task Create_WithAName_CreatesTheGroup_AndOpensIt()
    {
        var admin = await app.SignedInAsAdminAsync();
        var name = $"Auditors {Guid.NewGuid():N}";

        var response = await admin.PostAsync(CreatePage, GroupForm(name, "People who read the audit trail"));

        Assert.Equal("The group was created.", await admin.FollowStatusAsync(response));
        var id = GroupId().Match(response.Headers.Location!.OriginalString).Groups[1].Value;
        var group = (await app.FindGroupAsync(id))!;
        Assert.Equal((name, "People who read the audit trail"), (group.Name, group.Description));
        Assert.Equal("group.created", (await app.AuditRecordsAsync(id)).Single().Action);
    }

    [Fact]
    public async Task Create_WithoutAName_SaysItIsRequired()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync(CreatePage, GroupForm("   ", "kept description"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("The Name field is required.", FieldError(html, "Form.Name"));
        Assert.Contains("kept description", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithATooLongName_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync(CreatePage, GroupForm(new string('g', 256)));

        Assert.Equal("The Name may not be greater than 255 characters.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Name"));
    }

    [Fact]
    public async Task Create_WithANameTakenInAnotherCase_SaysNameMustBeUnique()
    {
        var admin = await app.SignedInAsAdminAsync();
        var name = $"Unique {Guid.NewGuid():N}";
        await app.CreateGroupAsync(name: name);

        var response = await admin.PostAsync(CreatePage, GroupForm($"  {name.ToUpperInvariant()} "));

        Assert.Equal("A group with this name already exists. Name must be unique.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Name"));
    }

    [Fact]
    public async Task Edit_RenamesTheGroup_AndRefusesATakenName()
    {
        var admin = await app.SignedInAsAdminAsync();
        var id = await app.CreateGroupAsync();
        var taken = $"Taken {Guid.NewGuid():N}";
        await app.CreateGroupAsync(name: taken);
        var renamed = $"Renamed {Guid.NewGuid():N}";

        var saved = await admin.EditGroupAsync(app, id, renamed, "New description");
        Assert.Equal("The group was saved.", await admin.FollowStatusAsync(saved));
        var refused = await admin.EditGroupAsync(app, id, taken.ToLowerInvariant());

        Assert.Equal("A group with this name already exists. Name must be unique.", FieldError(await refused.Content.ReadAsStringAsync(), "Form.Name"));
        Assert.Equal(renamed, (await app.FindGroupAsync(id))!.Name);
        Assert.Equal("group.updated", (await app.AuditRecordsAsync(id)).Last().Action);
    }

    [Fact]
    public async Task List_SearchesSortsAndOffersDeleteBehindAConfirmation()
    {
        var admin = await app.SignedInAsAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var alphaId = await app.CreateGroupAsync(name: $"Alpha {tag}");
        await app.CreateGroupAsync(name: $"beta {tag}", description: "second");
        await app.CreateGroupAsync(name: $"Gamma {tag}");

        var html = await admin.GetStringAsync($"{UserGroupPages.Groups}?search={tag.ToUpperInvariant()}&sort=name&dir=desc");

        Assert.Equal([$"Gamma {tag}", $"beta {tag}", $"Alpha {tag}"], Names(html));
        Assert.Matches("<th scope=\"col\" aria-sort=\"descending\">\\s*<a href=\"[^\"]*sort=name", html);
        Assert.Contains($"data-delete-url=\"/admin/groups/{alphaId}/delete\"", html, StringComparison.Ordinal);
        Assert.Contains("Are you sure you want to delete the group <strong data-delete-name></strong>?", html, StringComparison.Ordinal);
        Assert.Contains("No groups match", await admin.GetStringAsync($"{UserGroupPages.Groups}?search=no-such-group-{tag}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithViewOnly_ShowsNoCreateEditOrDeleteButtons()
    {
        await app.CreateGroupAsync();
        var viewer = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups]));

        var html = await viewer.GetStringAsync(UserGroupPages.Groups);

        Assert.NotEmpty(Names(html));
        Assert.DoesNotContain("Create Group", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Edit\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Delete\"", html, StringComparison.Ordinal);
    }

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

    [Fact]
    public async Task ChangingAGroupThatGrantsRightsYouLack_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups, EditGroups, DeleteGroups]));
        var id = await app.CreateGroupAsync(permissions: [ViewAuthClients]);

        var list = await browser.GetStringAsync(UserGroupPages.Groups);
        var edit = await browser.EditGroupAsync(app, id, "Hijacked");
        var delete = await browser.PostAsync($"{UserGroupPages.Groups}/{id}/delete", []);

        Assert.DoesNotContain($"/admin/groups/{id}/", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.NotEqual("Hijacked", (await app.FindGroupAsync(id))!.Name);
    }

    [Fact]
    public async Task Edit_AfterSomeoneElseSaved_IsRefused_AndKeepsTheirChange()
    {
        var (first, second) = (await app.SignedInAsAdminAsync(), await app.SignedInAsAdminAsync());
        var id = await app.CreateGroupAsync();
        var openedByBoth = (await app.FindGroupAsync(id))!.ConcurrencyStamp;
        var (theirs, mine) = ($"Theirs {Guid.NewGuid():N}", $"Mine {Guid.NewGuid():N}");

        var firstSave = await first.PostAsync($"{UserGroupPages.Groups}/{id}/edit", GroupForm(theirs, "their description", openedByBoth));
        var secondSave = await second.PostAsync($"{UserGroupPages.Groups}/{id}/edit", GroupForm(mine, "my description", openedByBoth));
        var html = await secondSave.Content.ReadAsStringAsync();

        Assert.Equal("The group was saved.", await first.FollowStatusAsync(firstSave));
        Assert.Equal(HttpStatusCode.OK, secondSave.StatusCode);
        Assert.Equal(["Someone else saved this group after you opened it. Reload to see their changes, then edit again."], SummaryErrors(html));
        Assert.Contains(mine, html, StringComparison.Ordinal);
        var group = (await app.FindGroupAsync(id))!;
        Assert.Equal((theirs, "their description"), (group.Name, group.Description));
    }

    [Fact]
    public async Task Edit_AGroupThatNoLongerExists_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.GetAsync($"{UserGroupPages.Groups}/{Guid.NewGuid()}/edit");

        Assert.Equal("This group no longer exists. It may have been deleted by someone else.", await admin.FollowStatusAsync(response));
    }

    private static List<string> Names(string html) =>
        NameCell().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    [GeneratedRegex("<tr>\\s*<td class=\"text-break\">([^<]+)")]
    private static partial Regex NameCell();

    [GeneratedRegex("/admin/groups/([0-9a-f-]{36})/edit")]
    private static partial Regex GroupId();
}

/// <summary>On its own database, where no group exists yet.</summary>
public sealed class GroupEmptyListTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_WithNoGroups_SaysNoDataAvailable()
    {
        var admin = await app.SignedInAsAdminAsync();

        var html = await admin.GetStringAsync(UserGroupPages.Groups);

        Assert.Contains("No Data Available", html, StringComparison.Ordinal);
        Assert.Contains("Showing 0-0 of 0", html, StringComparison.Ordinal);
    }
}
