using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Groups;

/// <summary>Admin > Groups > Edit: renaming, a taken name, a group that is gone.</summary>
public sealed class GroupEditTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
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
    public async Task Edit_AGroupThatNoLongerExists_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.GetAsync($"{UserGroupPages.Groups}/{Guid.NewGuid()}/edit");

        Assert.Equal("This group no longer exists. It may have been deleted by someone else.", await admin.FollowStatusAsync(response));
    }
}
