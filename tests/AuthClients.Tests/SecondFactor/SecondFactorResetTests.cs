using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Areas.Admin.Controllers;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.SecondFactor;
using static AuthClients.Tests.Infrastructure.UserGroupPages;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// An administrator who may edit a user can reset that user's authenticator and passkeys (for a
/// lost phone): not their own, not a Super Admin's unless they are one, not without Edit Users;
/// audited. Afterwards the user signs in with the password alone and can set up a new one.
/// </summary>
public sealed class SecondFactorResetTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private static readonly string[] EditUsers = [Permissions.Users.ViewKey, Permissions.Users.EditKey];

    [Fact]
    public async Task Reset_ByAnEditor_RemovesTheAuthenticator_EndsTheSessions_AndIsAudited()
    {
        var (email, id) = await app.CreateUserWithIdAsync();
        var session = await app.SignedInAsync(email);
        var (key, codes) = await session.SetUpAuthenticatorAsync();
        var editor = await app.SignedInAsync(await app.CreateUserAsync(permissions: EditUsers));
        Assert.Contains("Authenticator app: <strong>set up</strong>", await editor.GetStringAsync($"{UserGroupPages.Users}/{id}/password"), StringComparison.Ordinal);

        var response = await editor.PostAsync(ResetUrl(id), []);

        Assert.Equal(UsersController.SecondFactorResetMessage, await editor.FollowStatusAsync(response));
        Assert.False(await session.IsSignedInAsync(), "The reset left the user's session running.");
        var again = app.CreateBrowser();
        Assert.Equal("/", (await again.PasswordStepAsync(email)).Headers.Location?.OriginalString);
        var record = Assert.Single(await app.AuditRecordsAsync(id), r => r.Action == SecondFactorAudit.Reset);
        Assert.Contains("authenticator", record.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain(key, record.Changes ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(codes[0], record.Changes ?? "", StringComparison.Ordinal);

        // The old recovery codes are gone with it.
        Assert.NotEqual(key, await again.ShownKeyAsync());
    }

    public enum Case { Self, SuperAdminByEditor, EditorWithoutEditUsers, UserWithRightsTheEditorLacks }

    [Theory]
    [InlineData(Case.Self)]
    [InlineData(Case.SuperAdminByEditor)]
    [InlineData(Case.EditorWithoutEditUsers)]
    [InlineData(Case.UserWithRightsTheEditorLacks)]
    public async Task Reset_IsRefused_AndChangesNothing(Case refused)
    {
        var editorPermissions = refused == Case.EditorWithoutEditUsers ? [Permissions.Users.ViewKey] : EditUsers;
        var (editorEmail, editorId) = await app.CreateUserWithIdAsync(permissions: editorPermissions);
        var (targetEmail, targetId) = refused switch
        {
            Case.Self => (editorEmail, editorId),
            Case.SuperAdminByEditor => await app.CreateUserWithIdAsync(superAdmin: true),
            Case.UserWithRightsTheEditorLacks => await app.CreateUserWithIdAsync(permissions: [Permissions.AuthClients.ViewKey]),
            _ => await app.CreateUserWithIdAsync(),
        };
        var editor = await app.SignedInAsync(editorEmail);
        var target = refused == Case.Self ? editor : await app.SignedInAsync(targetEmail);
        await target.SetUpAuthenticatorAsync();

        var response = await editor.PostAsync(ResetUrl(targetId), []);

        if (refused == Case.Self)
        {
            Assert.Equal(SecondFactorResetService.ResetOwnMessage, await editor.FollowStatusAsync(response));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(TwoFactor, (await app.CreateBrowser().PasswordStepAsync(targetEmail)).Headers.Location?.OriginalString);
        Assert.DoesNotContain(await app.AuditRecordsAsync(targetId), r => r.Action == SecondFactorAudit.Reset);
    }

    [Fact]
    public async Task Reset_OfASuperAdmin_ByASuperAdmin_IsAllowed()
    {
        var (email, id) = await app.CreateUserWithIdAsync(superAdmin: true);
        await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync(ResetUrl(id), []);

        Assert.Equal(UsersController.SecondFactorResetMessage, await admin.FollowStatusAsync(response));
        Assert.Equal("/", (await app.CreateBrowser().PasswordStepAsync(email)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Reset_OfAUserWithNothingToReset_SaysSo()
    {
        var (_, id) = await app.CreateUserWithIdAsync();
        var admin = await app.SignedInAsAdminAsync();
        Assert.DoesNotContain("Reset authenticator and passkeys", await admin.GetStringAsync($"{UserGroupPages.Users}/{id}/password"), StringComparison.Ordinal);

        var response = await admin.PostAsync(ResetUrl(id), []);

        Assert.Equal(SecondFactorResetService.NothingToResetMessage, await admin.FollowStatusAsync(response));
        Assert.DoesNotContain(await app.AuditRecordsAsync(id), r => r.Action == SecondFactorAudit.Reset);
    }

    private static string ResetUrl(string id) => $"{UserGroupPages.Users}/{id}/second-factor/reset";
}
