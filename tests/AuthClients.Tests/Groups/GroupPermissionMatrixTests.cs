using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Groups;

/// <summary>
/// For each permission of the Groups category, someone holding only it (or it with what the
/// Permissions tab adds), directly or only through a group, can do exactly what it allows on the
/// Users and Groups pages and gets 403 for the rest.
/// </summary>
public sealed class GroupPermissionMatrixTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    public static TheoryData<string, bool, bool> Cases => AccessMatrix.Cases(ViewGroups, CreateGroups, EditGroups, DeleteGroups);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HoldingOnlyOneGroupsPermission_AllowsExactlyItsActions(string permission, bool throughGroup, bool withImplied)
    {
        var held = withImplied ? AccessMatrix.WithImplied(permission) : [permission];

        await AccessMatrix.RunAsync(app, held, throughGroup);
    }

    [Fact]
    public async Task NoPermissionAtAll_IsRefusedEverywhere_ButKeepsTheProfile()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync());
        var targets = await ActionTargets.CreateAsync(app);

        foreach (var action in All)
        {
            action.AssertForbidden(await action.Send(browser, targets));
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync(UserGroupPages.Profile)).StatusCode);
    }
}
