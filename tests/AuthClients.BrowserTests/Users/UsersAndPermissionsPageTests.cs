using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Users;

/// <summary>Admin > Users and the Permissions tab in real Chromium, driven the way a person uses them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UsersAndPermissionsPageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private const string Password = "viewer-password-for-browser";

    [Fact]
    public async Task SuperAdmin_GivesAUserViewAuthClientsOnly_WhoSeesNoWriteButtons_AndCanCopyASecret()
    {
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync("Reporting Robot");

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create User" }).ClickAsync();
        await Page.GetByLabel("First Name").FillAsync("Vera");
        await Page.GetByLabel("Last Name").FillAsync("Viewer");
        await Page.GetByLabel("Email").FillAsync("vera@example.test");
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await Page.GetByLabel("Confirm Password").FillAsync(Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByText("The user was created.")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "Permissions" }).ClickAsync();
        await Page.GetByLabel("View Auth Clients").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByText("The permissions were saved.")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("View Auth Clients")).ToBeCheckedAsync();
        await Expect(Page.GetByLabel("Create Auth Clients")).Not.ToBeCheckedAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.SignInAsync("vera@example.test", Password);
        await Page.OpenAuthClientsAsync();

        var row = Page.ClientRow("Reporting Robot");
        await Expect(row).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Create Auth Client" })).ToHaveCountAsync(0);
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Edit" })).ToHaveCountAsync(0);
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

        await row.GetByRole(AriaRole.Button, new() { Name = "Copy Client Secret to Clipboard" }).ClickAsync();
        await Expect(row.GetByText("Copied")).ToBeVisibleAsync();
        Assert.False(string.IsNullOrWhiteSpace(await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()")));
        Assert.Empty(Session.PageProblems);
    }

    [Fact]
    public async Task PermissionCheckboxes_FollowTheRules_AsTheyAreClicked()
    {
        await Page.SignInAsync();
        await Page.GotoAsync("/admin/users");
        await Page.GetByRole(AriaRole.Row).Filter(new() { HasText = AuthClientsAppFactory.AdminEmail }).GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Permissions" }).ClickAsync();
        var view = Page.GetByLabel("View Users");
        var create = Page.GetByLabel("Create Users");
        var edit = Page.GetByLabel("Edit Users");
        var delete = Page.GetByLabel("Delete Users");

        await create.CheckAsync();
        await Expect(edit).ToBeCheckedAsync();
        await Expect(view).ToBeCheckedAsync();
        await Expect(delete).Not.ToBeCheckedAsync();

        await edit.UncheckAsync();
        await Expect(create).Not.ToBeCheckedAsync();
        await Expect(view).ToBeCheckedAsync();

        await delete.CheckAsync();
        await view.UncheckAsync();
        await Expect(delete).Not.ToBeCheckedAsync();
        await Expect(Page.GetByLabel("View Auth Clients")).Not.ToBeCheckedAsync();
        Assert.Empty(Session.PageProblems);
    }

    [Fact]
    public async Task DeleteUser_AsksForConfirmation_ThenRemovesTheRow()
    {
        await Page.SignInAsync();
        await Page.GotoAsync("/admin/users/create");
        await Page.GetByLabel("First Name").FillAsync("Temporary");
        await Page.GetByLabel("Last Name").FillAsync("Person");
        await Page.GetByLabel("Email").FillAsync("temp@example.test");
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await Page.GetByLabel("Confirm Password").FillAsync(Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Page.GotoAsync("/admin/users");

        await Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "temp@example.test" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var dialog = Page.DeleteDialog();
        await Expect(dialog).ToContainTextAsync("Are you sure you want to delete the user Temporary Person?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(Page.GetByText("The user was deleted.")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "temp@example.test" })).ToHaveCountAsync(0);
        Assert.Empty(Session.PageProblems);
    }
}
