using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Users;

/// <summary>On its own database: the bootstrap administrator is the only Super Admin here.</summary>
public sealed class LastSuperAdminTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task RevokingYourOwnSuperAdmin_AsTheOnlyActiveOne_IsRefused_UntilThereIsAnother()
    {
        var admin = await app.SignedInAsAdminAsync();
        var adminId = await app.UserIdAsync(AuthClientsAppFactory.AdminEmail);

        var refused = await admin.SaveUserPermissionsAsync(app, adminId, []);

        Assert.Equal("This is the last active Super Admin. Make another user a Super Admin first.", FieldError(await refused.Content.ReadAsStringAsync(), "Form.SuperAdmin"));
        Assert.True((await app.FindUserAsync(adminId))!.IsSuperAdmin);

        var (_, otherId) = await app.CreateUserWithIdAsync();
        await admin.SaveUserPermissionsAsync(app, otherId, [], superAdmin: true);
        var allowed = await admin.SaveUserPermissionsAsync(app, adminId, []);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.False((await app.FindUserAsync(adminId))!.IsSuperAdmin);
    }
}
