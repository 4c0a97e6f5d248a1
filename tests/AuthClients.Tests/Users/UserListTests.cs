using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Users;

public sealed partial class UserListTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_ShowsNameEmailStatusAndSuperAdmin()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, _) = await app.CreateUserWithIdAsync(active: false);

        var html = await admin.GetStringAsync($"{UserGroupPages.Users}?search={email}");

        Assert.Contains($"Test {email.Split('@')[0]}", html, StringComparison.Ordinal);
        Assert.Contains(email, html, StringComparison.Ordinal);
        Assert.Contains(">Inactive<", html, StringComparison.Ordinal);
        Assert.Matches("<th scope=\"col\">Super Admin</th>", html);
    }

    [Fact]
    public async Task Search_MatchesNameOrEmail_IgnoringCase()
    {
        var admin = await app.SignedInAsAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        await CreateViaPageAsync(admin, $"Marie{tag}", "Curie", $"mc-{tag}@example.test");
        await CreateViaPageAsync(admin, "Pierre", "Curie", $"pc-{tag}@example.test");

        var byName = await admin.GetStringAsync($"{UserGroupPages.Users}?search=marie{tag.ToUpperInvariant()}");
        var byEmail = await admin.GetStringAsync($"{UserGroupPages.Users}?search=PC-{tag}");
        var byFullName = await admin.GetStringAsync($"{UserGroupPages.Users}?search={Uri.EscapeDataString($"marie{tag} curie")}");

        Assert.Equal([$"mc-{tag}@example.test"], Emails(byName));
        Assert.Equal([$"pc-{tag}@example.test"], Emails(byEmail));
        Assert.Equal([$"mc-{tag}@example.test"], Emails(byFullName));
    }

    [Fact]
    public async Task Search_WithNoMatch_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var html = await admin.GetStringAsync($"{UserGroupPages.Users}?search=nobody-is-called-this");

        Assert.Contains("No users match &quot;nobody-is-called-this&quot;.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sort_ByEmailDescending_OrdersRowsAndMarksTheColumn()
    {
        var admin = await app.SignedInAsAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        foreach (var letter in new[] { "b", "c", "a" })
        {
            await CreateViaPageAsync(admin, "Sort", letter, $"{letter}-{tag}@example.test");
        }

        var html = await admin.GetStringAsync($"{UserGroupPages.Users}?search={tag}&sort=email&dir=desc");

        Assert.Equal([$"c-{tag}@example.test", $"b-{tag}@example.test", $"a-{tag}@example.test"], Emails(html));
        Assert.Matches("<th scope=\"col\" aria-sort=\"descending\">\\s*<a href=\"[^\"]*sort=email", html);
    }

    [Fact]
    public async Task Paging_ShowsTheRequestedPage_AndKeepsSearchInItsLinks()
    {
        var admin = await app.SignedInAsAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 12; i++)
        {
            await app.CreateUserAsync(email: $"page-{i:D2}-{tag}@example.test");
        }

        var first = await admin.GetStringAsync($"{UserGroupPages.Users}?search={tag}&sort=email&perPage=10");
        var second = await admin.GetStringAsync($"{UserGroupPages.Users}?search={tag}&sort=email&perPage=10&page=2");

        Assert.Equal(10, Emails(first).Count);
        Assert.Contains("Showing 1-10 of 12", first, StringComparison.Ordinal);
        Assert.Contains($"search={tag}&amp;sort=email&amp;page=2&amp;perPage=10", first, StringComparison.Ordinal);
        Assert.Equal([$"page-10-{tag}@example.test", $"page-11-{tag}@example.test"], Emails(second));
        Assert.Contains("Showing 11-12 of 12", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithViewOnly_ShowsNoCreateEditOrDeleteButtons()
    {
        var viewer = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers]));

        var html = await viewer.GetStringAsync(UserGroupPages.Users);

        Assert.DoesNotContain("Create User", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Edit\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Delete\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("delete-dialog", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithAllUserRights_ShowsButtons_ButNoDeleteOnOwnRow()
    {
        var (email, id) = await app.CreateUserWithIdAsync(permissions: [ViewUsers, CreateUsers, EditUsers, DeleteUsers]);
        var browser = await app.SignedInAsync(email);

        var html = await browser.GetStringAsync($"{UserGroupPages.Users}?search={email}");

        Assert.Contains("aria-label=\"Create User\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/admin/users/{id}/edit\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"/admin/users/{id}/delete", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_HidesEditAndDelete_OnUsersWhoHoldRightsTheViewerLacks()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, EditUsers, DeleteUsers]));
        var (stronger, strongerId) = await app.CreateUserWithIdAsync(permissions: [ViewAuthClients]);
        var (weaker, weakerId) = await app.CreateUserWithIdAsync(permissions: [ViewUsers]);

        var strongerRow = await browser.GetStringAsync($"{UserGroupPages.Users}?search={stronger}");
        var weakerRow = await browser.GetStringAsync($"{UserGroupPages.Users}?search={weaker}");

        Assert.DoesNotContain($"/admin/users/{strongerId}/", strongerRow, StringComparison.Ordinal);
        Assert.Contains($"/admin/users/{weakerId}/edit", weakerRow, StringComparison.Ordinal);
        Assert.Contains($"/admin/users/{weakerId}/delete", weakerRow, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sidebar_ShowsGroups_OnlyToThoseWhoMayViewThem()
    {
        var withGroups = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers, ViewGroups]));
        var withoutGroups = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewUsers]));

        Assert.Contains("href=\"/admin/groups\"", await withGroups.GetStringAsync(UserGroupPages.Users), StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin/groups\"", await withoutGroups.GetStringAsync(UserGroupPages.Users), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminMenu_WithOnlyViewGroups_OpensTheDashboard_WhichLeadsToGroups()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewGroups]));

        var response = await browser.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dashboard = await response.Content.ReadAsStringAsync();
        Assert.Contains($"href=\"{UserGroupPages.Groups}\"", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"{UserGroupPages.Users}\"", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithOnlyViewGroups_LandsOnAPageTheUserMayOpen()
    {
        var browser = app.CreateBrowser();

        var signIn = await browser.SignInAsync(await app.CreateUserAsync(permissions: [ViewGroups]), AuthClientsAppFactory.UserPassword);
        var home = await browser.GetAsync(signIn.Headers.Location);

        Assert.Equal("/admin", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(home.Headers.Location)).StatusCode);
    }

    private static async Task CreateViaPageAsync(HttpClient admin, string first, string last, string email)
    {
        var response = await admin.PostAsync($"{UserGroupPages.Users}/create", UserGroupPages.UserForm(email, first, last, password: NewPassword));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static List<string> Emails(string html) =>
        EmailCellPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<td class=\"text-break\">([^<]+@example\\.test)</td>")]
    private static partial Regex EmailCellPattern();
}
