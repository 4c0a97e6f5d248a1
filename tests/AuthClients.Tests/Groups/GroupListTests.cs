using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Groups;

/// <summary>The Groups table: search, sort, the delete confirmation, and what a viewer without other rights sees.</summary>
public sealed partial class GroupListTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
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

    private static List<string> Names(string html) =>
        NameCell().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    [GeneratedRegex("<tr>\\s*<td class=\"text-break\">([^<]+)")]
    private static partial Regex NameCell();
}
