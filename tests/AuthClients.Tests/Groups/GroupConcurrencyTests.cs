using System.Net;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Groups;

/// <summary>Two people editing one group: the second save, from an outdated page, is refused and keeps the first.</summary>
public sealed class GroupConcurrencyTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
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
}
