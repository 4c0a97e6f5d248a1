using System.Net;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Groups;

/// <summary>Who may change which group: not one that grants rights the changer lacks, whatever their Groups permissions.</summary>
public sealed class GroupAccessTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
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
}
