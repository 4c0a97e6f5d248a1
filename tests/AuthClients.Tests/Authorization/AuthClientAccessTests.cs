using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Authorization;

/// <summary>
/// The authorization trio for every action of /admin/auth-clients: anonymous, signed in without
/// the permission, and with it (directly, through a group, or as Super Admin).
/// </summary>
public sealed class AuthClientAccessTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string ViewKey = Permissions.AuthClients.ViewKey;
    private const string CreateKey = Permissions.AuthClients.CreateKey;
    private const string EditKey = Permissions.AuthClients.EditKey;
    private const string DeleteKey = Permissions.AuthClients.DeleteKey;

    /// <summary>Each action with permission sets that fall short of it, held directly or through a group.</summary>
    public static TheoryData<string, string[], bool> InsufficientPermissions => new()
    {
        { List, [], false },
        { List, [CreateKey, EditKey, DeleteKey], false },
        { List, [.. Permissions.All.Where(p => p.Category != Permissions.AuthClients.Category).Select(p => p.Key)], false },
        { CreatePage, [ViewKey, EditKey, DeleteKey], false },
        { CreatePage, [CreateKey], false },
        { Create, [ViewKey, EditKey, DeleteKey], false },
        { Create, [CreateKey], false },
        { Create, [CreateKey], true },
        { EditPage, [ViewKey, CreateKey, DeleteKey], false },
        { EditPage, [EditKey], false },
        { Edit, [ViewKey, CreateKey, DeleteKey], false },
        { Edit, [EditKey], false },
        { Edit, [EditKey], true },
        { Delete, [ViewKey, CreateKey, EditKey], false },
        { Delete, [DeleteKey], false },
        { Delete, [ViewKey, CreateKey, EditKey], true },
        { CopySecret, [], false },
        { CopySecret, [CreateKey, EditKey, DeleteKey], false },
        { RegenerateSecret, [ViewKey, CreateKey, DeleteKey], false },
        { RegenerateSecret, [EditKey], false },
    };

    public static TheoryData<string, bool> EveryActionDirectlyAndThroughGroup
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in ByName.Keys)
            {
                data.Add(name, false);
                data.Add(name, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Names), MemberType = typeof(AuthClientActions))]
    public async Task Action_WhenAnonymous_RedirectsToSignInAndChangesNothing(string action)
    {
        var target = await app.CreateStoredClientAsync();
        var before = await app.SnapshotAsync();

        var response = await app.CreateBrowser().SendAsync(action, target, NewName());

        HttpAssert.RedirectsToSignIn(response);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(ByName[action].PathFor(target.Id)), HttpAssert.RedirectTarget(response), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(target.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task List_WhenAnonymous_RedirectsToSignIn()
    {
        var response = await app.CreateBrowser().GetAsync(AuthClientPages.List);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopySecret_WhenAnonymousScript_Returns401WithoutTheSecret()
    {
        var target = await app.CreateStoredClientAsync();
        var browser = app.CreateBrowser();
        var token = await browser.GetAntiforgeryTokenAsync(Routes.SignIn);
        using var request = new HttpRequestMessage(HttpMethod.Post, ByName[CopySecret].PathFor(target.Id));
        request.Headers.Add(WebHosting.AntiforgeryHeader, token);
        request.Headers.Add("Accept", "application/json");

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain(target.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InsufficientPermissions))]
    public async Task Action_WithoutItsPermissions_Returns403PageAndChangesNothing(string action, string[] held, bool throughGroup)
    {
        var target = await app.CreateStoredClientAsync();
        var browser = await SignInWithAsync(held, throughGroup);
        var before = await app.SnapshotAsync();

        var response = await browser.SendAsync(action, target, NewName());

        await HttpAssert.IsForbiddenPageAsync(response);
        Assert.DoesNotContain(target.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(EveryActionDirectlyAndThroughGroup))]
    public async Task Action_WithItsPermissions_IsAllowed(string action, bool throughGroup)
    {
        var required = ByName[action].Requires.Select(p => p.Key).ToArray();
        var browser = await SignInWithAsync(required, throughGroup);

        await AssertAllowedAsync(browser, action);
    }

    [Theory]
    [MemberData(nameof(Names), MemberType = typeof(AuthClientActions))]
    public async Task Action_AsSuperAdminWithoutPermissions_IsAllowed(string action)
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(superAdmin: true));

        await AssertAllowedAsync(browser, action);
    }

    [Fact]
    public async Task List_WithViewOnly_HidesCreateEditAndDeleteButtons()
    {
        await app.CreateStoredClientAsync();
        var browser = await SignInWithAsync([ViewKey], throughGroup: false);

        var html = await browser.GetStringAsync(AuthClientPages.List);

        Assert.Contains("Copy Client Secret to Clipboard", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Create Auth Client\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Edit\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("aria-label=\"Delete\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithEveryPermission_ShowsCreateEditAndDeleteButtons()
    {
        await app.CreateStoredClientAsync();
        var browser = await SignInWithAsync([ViewKey, CreateKey, EditKey, DeleteKey], throughGroup: false);

        var html = await browser.GetStringAsync(AuthClientPages.List);

        Assert.Contains("aria-label=\"Create Auth Client\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Edit\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Delete\"", html, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignInWithAsync(string[] permissions, bool throughGroup)
    {
        var email = throughGroup
            ? await app.CreateUserAsync(groupPermissions: permissions)
            : await app.CreateUserAsync(permissions: permissions);
        return await app.SignedInAsync(email);
    }

    /// <summary>Sends the action and checks that it did what the user asked.</summary>
    private async Task AssertAllowedAsync(HttpClient browser, string action)
    {
        var target = await app.CreateStoredClientAsync();
        var newName = NewName();

        var response = await browser.SendAsync(action, target, newName);

        switch (action)
        {
            case List:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains(target.Name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                break;
            case CreatePage:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("Create Auth-Client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                break;
            case Create:
                Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
                Assert.NotNull(await app.FindStoredClientByNameAsync(newName));
                break;
            case EditPage:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var form = await response.Content.ReadAsStringAsync();
                Assert.Contains("Edit Auth Client", form, StringComparison.Ordinal);
                Assert.Contains(target.Name, form, StringComparison.Ordinal);
                break;
            case Edit:
                Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
                Assert.Equal(newName, (await app.FindStoredClientAsync(target.Id))?.Name);
                break;
            case Delete:
                Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
                Assert.Null(await app.FindStoredClientAsync(target.Id));
                break;
            case CopySecret:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
                {
                    var secret = body.RootElement.GetProperty("secret").GetString()!;
                    Assert.Equal(target.Secret, secret);
                    Assert.True(await app.SecretIsAcceptedAsync(target.Id, secret));
                }

                break;
            case RegenerateSecret:
                Assert.Equal(ByName[EditPage].PathFor(target.Id), HttpAssert.RedirectTarget(response));
                Assert.False(await app.SecretIsAcceptedAsync(target.Id, target.Secret));
                var regenerated = await app.FindStoredClientAsync(target.Id);
                Assert.True(await app.SecretIsAcceptedAsync(target.Id, regenerated!.Secret));
                break;
            default:
                Assert.Fail($"No check for {action}.");
                break;
        }
    }

    private static string NewName() => $"Renamed {Guid.NewGuid():N}";
}
