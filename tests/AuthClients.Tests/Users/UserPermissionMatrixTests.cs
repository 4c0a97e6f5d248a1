using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Users;

/// <summary>
/// For each permission of the Users category, someone holding only it (or it with what the
/// Permissions tab adds: Create brings Edit and View), directly or only through a group, can do
/// exactly what it allows on the Users and Groups pages and gets 403 for the rest. Super Admin
/// does everything; a deactivated user nothing.
/// </summary>
public sealed class UserPermissionMatrixTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    public static TheoryData<string, bool, bool> Cases => AccessMatrix.Cases(ViewUsers, CreateUsers, EditUsers, DeleteUsers);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HoldingOnlyOneUsersPermission_AllowsExactlyItsActions(string permission, bool throughGroup, bool withImplied)
    {
        var held = withImplied ? AccessMatrix.WithImplied(permission) : [permission];

        await AccessMatrix.RunAsync(app, held, throughGroup);
    }

    [Fact]
    public async Task SuperAdmin_CanDoEverything()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = await app.SignedInAsync(email);
        var targets = await ActionTargets.CreateAsync(app);

        foreach (var action in All)
        {
            action.AssertAllowed(await action.Send(browser, targets));
        }
    }

    [Fact]
    public async Task DeactivatedUser_CanDoNothing_FromTheirNextRequest()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = await app.SignedInAsync(email);
        var targets = await ActionTargets.CreateAsync(app);
        var admin = await app.SignedInAsAdminAsync();
        var id = await app.UserIdAsync(email);
        var user = (await app.FindUserAsync(id))!;
        var deactivated = await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit",
            UserGroupPages.UserForm(email, user.FirstName, user.LastName, status: "Inactive", concurrencyStamp: user.ConcurrencyStamp));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, deactivated.StatusCode);

        foreach (var action in All)
        {
            action.AssertSentToSignIn(await action.Send(browser, targets));
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.CreateBrowser().SignInAsync(email, AuthClientsAppFactory.UserPassword)).StatusCode);
    }
}
