using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Users;

/// <summary>An administrator resets someone's password; anyone changes their own from the profile page.</summary>
public sealed class PasswordTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task Reset_SetsTheNewPassword_TheOldOneStops_AndNothingRecordsIt()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/password", Reset(NewPassword));

        Assert.Equal("The password was reset.", await admin.FollowStatusAsync(response));
        await app.SignedInAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateBrowser().SignInAsync(email, AuthClientsAppFactory.UserPassword)).StatusCode);
        var record = (await app.AuditRecordsAsync(id)).Last();
        Assert.Equal("user.password-reset", record.Action);
        Assert.Null(record.Changes);
        Assert.DoesNotContain(app.LogLines, line => line.Contains(NewPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reset_LiftsALockout()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();
        await app.WithServicesAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(id))!, DateTimeOffset.UtcNow.AddHours(1));
        });

        await admin.PostAsync($"{UserGroupPages.Users}/{id}/password", Reset(NewPassword));

        await app.SignedInAsync(email, NewPassword);
    }

    [Fact]
    public async Task Reset_WithATooShortPassword_ShowsThePolicyNextToTheField()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/password", Reset("too-short"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Passwords must be at least 12 characters.", FieldError(await response.Content.ReadAsStringAsync(), "Form.NewPassword"));
    }

    [Fact]
    public async Task Reset_OfYourOwnPassword_PointsToTheProfile()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, EditUsers]);
        var browser = await app.SignedInAsync(email);

        var page = await browser.GetStringAsync($"{UserGroupPages.Users}/{id}/password");
        var post = await browser.PostAsync($"{UserGroupPages.Users}/{id}/password", Reset(NewPassword));

        Assert.Contains("href=\"/profile\"", page, StringComparison.Ordinal);
        Assert.Equal(["Change your own password on your profile page."], SummaryErrors(await post.Content.ReadAsStringAsync()));
        await app.SignedInAsync(email);
    }

    [Fact]
    public async Task Reset_OfSomeoneWhoHoldsMoreRights_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers]));
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, DeleteUsers]);

        var response = await browser.PostAsync($"{UserGroupPages.Users}/{id}/password", Reset(NewPassword));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await app.SignedInAsync(email);
    }

    [Fact]
    public async Task Profile_IsReachableFromTheTopBar_ByAnySignedInUser()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);

        var response = await browser.GetAsync(Profile);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("<header>.*<a class=\"btn btn-outline-light btn-sm\" href=\"/profile\"[^>]*>Profile</a>.*</header>", html.ReplaceLineEndings(" "));
        Assert.Contains(email, html, StringComparison.Ordinal);
        Assert.Contains("Change Password", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_Anonymous_IsSentToSignIn()
    {
        var response = await app.CreateBrowser().GetAsync(Profile);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeOwnPassword_Works_AndKeepsThisSession()
    {
        var (email, id) = await app.CreateUserWithIdAsync();
        var browser = await app.SignedInAsync(email);

        var response = await browser.PostAsync($"{Profile}/password", Change(AuthClientsAppFactory.UserPassword, NewPassword));

        Assert.Equal("Your password was changed.", await browser.FollowStatusAsync(response));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Profile)).StatusCode);
        await app.SignedInAsync(email, NewPassword);
        Assert.Equal("user.password-changed", (await app.AuditRecordsAsync(id)).Last().Action);
        Assert.DoesNotContain(app.LogLines, line => line.Contains(NewPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChangeOwnPassword_WithAWrongCurrentPassword_SaysSo()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);

        var response = await browser.PostAsync($"{Profile}/password", Change("not-my-password", NewPassword));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProfileService.WrongPasswordMessage, FieldError(await response.Content.ReadAsStringAsync(), "Form.CurrentPassword"));
        await app.SignedInAsync(email);
    }

    [Theory]
    [InlineData("too-short", "too-short", "Form.NewPassword", "Passwords must be at least 12 characters.")]
    [InlineData(NewPassword, NewPassword + "!", "Form.ConfirmPassword", "The passwords do not match.")]
    public async Task ChangeOwnPassword_WithABadNewPassword_ShowsWhy(string password, string confirmation, string field, string message)
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);

        var response = await browser.PostAsync($"{Profile}/password",
            [new("Form.CurrentPassword", AuthClientsAppFactory.UserPassword), new("Form.NewPassword", password), new("Form.ConfirmPassword", confirmation)]);

        Assert.Equal(message, FieldError(await response.Content.ReadAsStringAsync(), field));
        await app.SignedInAsync(email);
    }

    private static KeyValuePair<string, string>[] Reset(string password) =>
        [new("Form.NewPassword", password), new("Form.ConfirmPassword", password)];

    private static KeyValuePair<string, string>[] Change(string current, string password) =>
        [new("Form.CurrentPassword", current), new("Form.NewPassword", password), new("Form.ConfirmPassword", password)];
}
