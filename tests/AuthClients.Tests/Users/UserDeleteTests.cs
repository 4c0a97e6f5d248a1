using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Users;

public sealed class UserDeleteTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_OffersDeleteBehindAConfirmationDialog()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();

        var html = await admin.GetStringAsync($"{UserGroupPages.Users}?search={email}");

        Assert.Contains($"data-delete-url=\"/admin/users/{id}/delete\"", html, StringComparison.Ordinal);
        Assert.Contains("Caution!", html, StringComparison.Ordinal);
        Assert.Contains("Are you sure you want to delete the user <strong data-delete-name></strong>?", html, StringComparison.Ordinal);
        Assert.Contains(">Confirm</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesTheUser_EndsTheirSession_AndAudits()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers]);
        var groupId = await app.CreateGroupAsync(memberIds: [id]);
        var theirs = await app.SignedInAsync(email);

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/delete", []);

        Assert.Equal("The user was deleted.", await admin.FollowStatusAsync(response));
        Assert.Null(await app.FindUserAsync(id));
        Assert.Empty(await app.GroupMemberIdsAsync(groupId));
        Assert.Equal(HttpStatusCode.Redirect, (await theirs.GetAsync(UserGroupPages.Users)).StatusCode);
        var record = (await app.AuditRecordsAsync(id)).Last();
        Assert.Equal("user.deleted", record.Action);
        Assert.Contains(email, record.Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_Yourself_IsRefused()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, DeleteUsers]);
        var browser = await app.SignedInAsync(email);

        var response = await browser.PostAsync($"{UserGroupPages.Users}/{id}/delete", []);

        Assert.Equal("You cannot delete your own account.", await browser.FollowStatusAsync(response));
        Assert.NotNull(await app.FindUserAsync(id));
    }

    [Fact]
    public async Task Delete_Yourself_AsASuperAdmin_IsRefused()
    {
        var admin = await app.SignedInAsAdminAsync();
        var adminId = await app.UserIdAsync(AuthClientsAppFactory.AdminEmail);

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{adminId}/delete", []);

        Assert.Equal("You cannot delete your own account.", await admin.FollowStatusAsync(response));
        Assert.NotNull(await app.FindUserAsync(adminId));
    }

    [Fact]
    public async Task Delete_AnotherSuperAdmin_AsASuperAdmin_Works()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync(superAdmin: true);

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/delete", []);

        Assert.Equal("The user was deleted.", await admin.FollowStatusAsync(response));
        Assert.Null(await app.FindUserAsync(id));
    }

    [Fact]
    public async Task Delete_ASuperAdmin_AsSomeoneWhoIsNot_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, DeleteUsers]));
        var adminId = await app.UserIdAsync(AuthClientsAppFactory.AdminEmail);

        var response = await browser.PostAsync($"{UserGroupPages.Users}/{adminId}/delete", []);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotNull(await app.FindUserAsync(adminId));
        Assert.Contains(app.LogLines, line => line.Contains("Refused", StringComparison.Ordinal) && line.Contains(adminId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_TheLastActiveSuperAdmin_IsRefused_EvenByAnotherSuperAdminAccount()
    {
        // Through the pages a Super Admin deleting the last other one is never the last (they are
        // one); the rule is checked where it lives, with an actor that is not an active Super Admin.
        var lastId = await app.UserIdAsync(await app.CreateUserAsync(superAdmin: true));
        await app.WithServicesAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            foreach (var other in users.Users.Where(u => u.IsSuperAdmin && u.Id != lastId).ToList())
            {
                other.IsActive = false;
                await users.UpdateAsync(other);
            }
        });
        try
        {
            var actor = new Actor("someone-else", IsSuperAdmin: true, new HashSet<string>());

            var result = await app.WithServicesAsync(sp => sp.GetRequiredService<UserService>().DeleteAsync(lastId, actor));

            Assert.Equal(ChangeStatus.Invalid, result.Status);
            Assert.Equal(UserWriter.LastSuperAdminMessage, result.Errors!.Single().Value);
            Assert.NotNull(await app.FindUserAsync(lastId));
        }
        finally
        {
            await app.WithServicesAsync(async sp =>
            {
                var users = sp.GetRequiredService<UserManager<AppUser>>();
                var admin = (await users.FindByEmailAsync(AuthClientsAppFactory.AdminEmail))!;
                admin.IsActive = true;
                await users.UpdateAsync(admin);
            });
        }
    }

    [Fact]
    public async Task Delete_AUserWhoNoLongerExists_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{Guid.NewGuid()}/delete", []);

        Assert.Equal("This user no longer exists. They may have been deleted by someone else.", await admin.FollowStatusAsync(response));
    }
}
