using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Users;

public sealed class UserCreateEditTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string CreatePage = $"{UserGroupPages.Users}/create";

    [Fact]
    public async Task Create_WithValidForm_CreatesAUserWhoCanSignIn()
    {
        var admin = await app.SignedInAsAdminAsync();
        var email = NewEmail();

        var response = await admin.PostAsync(CreatePage, UserForm(email, "Grace", "Hopper", password: NewPassword));

        Assert.Equal("The user was created.", await admin.FollowStatusAsync(response));
        Assert.Matches("^/admin/users/[0-9a-f-]{36}/edit$", response.Headers.Location!.OriginalString);
        await app.SignedInAsync(email, NewPassword);
    }

    [Fact]
    public async Task Create_WritesAnAuditRecord_WithoutThePassword()
    {
        var admin = await app.SignedInAsAdminAsync();
        var email = NewEmail();

        await admin.PostAsync(CreatePage, UserForm(email, "Audit", "Me", password: NewPassword));

        var record = Assert.Single(await app.AuditRecordsAsync(await app.UserIdAsync(email)));
        Assert.Equal("user.created", record.Action);
        Assert.Equal(AuthClientsAppFactory.AdminEmail, record.ActorName);
        Assert.Contains(email, record.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, record.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain(app.LogLines, line => line.Contains(NewPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_WithEmptyForm_ShowsEachRequiredMessageNextToItsField()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync(CreatePage, [new("Form.Status", "Active")]);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("The First Name field is required.", FieldError(html, "Form.FirstName"));
        Assert.Equal("The Last Name field is required.", FieldError(html, "Form.LastName"));
        Assert.Equal("The Email field is required.", FieldError(html, "Form.Email"));
        Assert.Equal("The Password field is required.", FieldError(html, "Form.Password"));
    }

    [Theory]
    [InlineData("not-an-email", "Form.Email", "The Email must be a valid email address.")]
    [InlineData("short", "Form.Password", "Passwords must be at least 12 characters.")]
    [InlineData("mismatch", "Form.ConfirmPassword", "The passwords do not match.")]
    public async Task Create_WithABadValue_ShowsItsMessage_AndKeepsWhatWasTyped(string problem, string field, string message)
    {
        var admin = await app.SignedInAsAdminAsync();
        var email = problem == "not-an-email" ? "not-an-email" : NewEmail();
        var password = problem == "short" ? "elevenchars" : NewPassword;
        var confirmation = problem == "mismatch" ? NewPassword + "x" : password;

        var response = await admin.PostAsync(CreatePage, UserForm(email, "Kept", "Values", password: password, confirmPassword: confirmation));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(message, FieldError(html, field));
        Assert.Contains("value=\"Kept\"", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{email}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(password, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithAnEmailTakenInAnotherCase_ShowsEmailMustBeUnique()
    {
        var admin = await app.SignedInAsAdminAsync();
        var email = await app.CreateUserAsync();

        var response = await admin.PostAsync(CreatePage, UserForm(email.ToUpperInvariant(), password: NewPassword));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("A user with this email already exists. Email must be unique.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Email"));
    }

    [Fact]
    public async Task Create_Inactive_CannotSignIn()
    {
        var admin = await app.SignedInAsAdminAsync();
        var email = NewEmail();

        await admin.PostAsync(CreatePage, UserForm(email, password: NewPassword, status: "Inactive"));
        var signIn = await app.CreateBrowser().SignInAsync(email, NewPassword);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.False((await app.FindUserAsync(await app.UserIdAsync(email)))!.IsActive);
    }

    [Fact]
    public async Task Create_WithScriptInTheName_ShowsItAsText()
    {
        var admin = await app.SignedInAsAdminAsync();
        var email = NewEmail();

        await admin.PostAsync(CreatePage, UserForm(email, "<script>alert(1)</script>", "X", password: NewPassword));
        var html = await admin.GetStringAsync($"{UserGroupPages.Users}?search={email}");

        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_ChangesTheDetails_AndAuditsBeforeAndAfter()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();
        var renamed = NewEmail();

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit",
            UserForm(renamed, "New", "Name", concurrencyStamp: (await app.FindUserAsync(id))!.ConcurrencyStamp));

        Assert.Equal("The user was saved.", await admin.FollowStatusAsync(response));
        var user = (await app.FindUserAsync(id))!;
        Assert.Equal(("New", "Name", renamed, renamed), (user.FirstName, user.LastName, user.Email, user.UserName));
        var record = (await app.AuditRecordsAsync(id)).Last();
        Assert.Equal("user.updated", record.Action);
        using var changes = JsonDocument.Parse(record.Changes!);
        Assert.Equal(email, changes.RootElement.GetProperty("email").GetProperty("from").GetString());
        Assert.Equal(renamed, changes.RootElement.GetProperty("email").GetProperty("to").GetString());
        await app.SignedInAsync(renamed);
    }

    [Fact]
    public async Task Edit_FromAnOutdatedPage_IsRefusedWithAClearMessage()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();
        var stamp = (await app.FindUserAsync(id))!.ConcurrencyStamp;
        await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit", UserForm(email, "First", "Save", concurrencyStamp: stamp));

        var second = await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit", UserForm(email, "Second", "Save", concurrencyStamp: stamp));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Someone else saved this user after you opened it.", SummaryErrors(await second.Content.ReadAsStringAsync()).Single(), StringComparison.Ordinal);
        Assert.Equal("First", (await app.FindUserAsync(id))!.FirstName);
    }

    [Fact]
    public async Task Edit_ToAnEmailAlreadyTaken_ShowsEmailMustBeUnique()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (_, id) = await app.CreateUserWithIdAsync();
        var taken = await app.CreateUserAsync();

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit",
            UserForm(taken, concurrencyStamp: (await app.FindUserAsync(id))!.ConcurrencyStamp));

        Assert.Equal("A user with this email already exists. Email must be unique.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Email"));
    }

    [Fact]
    public async Task Edit_IgnoresOverPostedFields()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync();
        var other = await app.UserIdAsync(await app.CreateUserAsync());

        var response = await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit",
            UserForm(email, "Over", "Posted", concurrencyStamp: (await app.FindUserAsync(id))!.ConcurrencyStamp)
                .Append(new("Form.IsSuperAdmin", "true"))
                .Append(new("IsSuperAdmin", "true"))
                .Append(new("Form.PasswordHash", "x"))
                .Append(new("Form.Id", other))
                .Append(new("Form.Permissions", DeleteUsers)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var user = (await app.FindUserAsync(id))!;
        Assert.False(user.IsSuperAdmin);
        Assert.Equal("Over", user.FirstName);
        Assert.Empty(await app.OwnPermissionsAsync(id));
        Assert.Equal("Test", (await app.FindUserAsync(other))!.FirstName);
        await app.SignedInAsync(email);
    }

    [Fact]
    public async Task Deactivate_EndsTheirSessionOnTheNextRequest()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers]);
        var theirs = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync(UserGroupPages.Users)).StatusCode);
        var user = (await app.FindUserAsync(id))!;

        await admin.PostAsync($"{UserGroupPages.Users}/{id}/edit",
            UserForm(email, user.FirstName, user.LastName, status: "Inactive", concurrencyStamp: user.ConcurrencyStamp));
        var next = await theirs.GetAsync(UserGroupPages.Users);

        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith("/account/login", next.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deactivate_Yourself_IsRefusedWithAMessage()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, EditUsers]);
        var browser = await app.SignedInAsync(email);
        var user = (await app.FindUserAsync(id))!;

        var response = await browser.PostAsync($"{UserGroupPages.Users}/{id}/edit",
            UserForm(email, user.FirstName, user.LastName, status: "Inactive", concurrencyStamp: user.ConcurrencyStamp));

        Assert.Equal("You cannot deactivate your own account.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Status"));
        Assert.True((await app.FindUserAsync(id))!.IsActive);
    }

    [Fact]
    public async Task Edit_AUserWhoNoLongerExists_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.GetAsync($"{UserGroupPages.Users}/{Guid.NewGuid()}/edit");

        Assert.Equal("This user no longer exists. They may have been deleted by someone else.", await admin.FollowStatusAsync(response));
    }

    [Fact]
    public async Task Edit_ASuperAdmin_AsSomeoneWhoIsNot_IsForbidden()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers]));
        var (email, id) = await app.CreateUserWithIdAsync(superAdmin: true);
        var user = (await app.FindUserAsync(id))!;

        var page = await browser.GetAsync($"{UserGroupPages.Users}/{id}/edit");
        var save = await browser.PostAsync($"{UserGroupPages.Users}/{id}/edit", UserForm("taken-over@example.test", concurrencyStamp: user.ConcurrencyStamp));

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal(email, (await app.FindUserAsync(id))!.Email);
    }

    private static string NewEmail() => $"new-{Guid.NewGuid():N}@example.test";
}
