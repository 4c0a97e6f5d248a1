using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Controllers;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.Audit.AuditLogPages;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Audit;

/// <summary>
/// What the Audit Log shows of real changes: each kind of event in words, the target by its
/// current name (its id once it is gone), the change as before → after, and never a secret, on
/// the page or in the CSV export.
/// </summary>
public sealed class AuditLogContentTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task ClientCreatedRotatedAndCopied_AreListedInWords_AndTheSecretIsNowhere()
    {
        var admin = await app.SignedInAsAdminAsync();
        var name = $"audit-log-{Guid.NewGuid():N}";
        var id = await admin.CreateClientAsync(name);
        var clientId = await admin.FindClientIdAsync(name);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.RotateSecretAsync(id, "7.00:00:00", label: "second")).StatusCode);
        var secret = await admin.CopySecretAsync(id);
        var filter = $"targetType=auth-client&target={clientId}";

        var response = await admin.GetAsync($"{Page}?{filter}&dir=asc");
        var csv = await admin.GetAsync($"{Export}?{filter}&dir=asc");

        var html = await response.Content.ReadAsStringAsync();
        var rows = Rows(HtmlDocuments.Parse(html));
        Assert.Equal(["Client created", "Secret rotated", "Secret copied"], rows.Select(r => r.What));
        Assert.All(rows, r => Assert.Equal(name, r.Target));
        Assert.All(rows, r => Assert.Equal(AuthClientsAppFactory.AdminEmail, r.Who));
        Assert.Contains($"name: {name}", rows[0].Change, StringComparison.Ordinal);
        Assert.Contains("credential: ", rows[1].Change, StringComparison.Ordinal);
        Assert.Contains("→ second", rows[1].Change, StringComparison.Ordinal);
        var edit = rows[0].Element.QuerySelector($"a[href='{Routes.AuthClients}/{id}/edit']");
        Assert.NotNull(edit);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        var csvText = await csv.Content.ReadAsStringAsync();
        Assert.Contains("auth-client.secret-rotated", csvText, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, csvText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersGroupsPermissionsAndTokens_AreListedInWords_WithTheirCurrentNames()
    {
        var admin = await app.SignedInAsAdminAsync();
        var (email, userId) = await app.CreateUserWithIdAsync();
        var groupName = $"Group {Guid.NewGuid():N}";
        var created = await admin.PostAsync($"{UserGroupPages.Groups}/create", GroupForm(groupName));
        var groupId = created.Headers.Location!.OriginalString.Split('/')[^2];
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SaveUserPermissionsAsync(app, userId, ["view-users"])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync($"{MembersPage(groupId)}/add", [new("userId", userId)])).StatusCode);
        var (_, token) = await app.CreatePersonalAccessTokenAsync(userId);

        var permissions = await admin.ReadRowsAsync($"{Page}?action=permissions&targetType=user&target={userId}");
        var group = await admin.ReadRowsAsync($"{Page}?targetType=group&target={groupId}&dir=asc");
        var tokens = await admin.ReadRowsAsync($"{Page}?action=personal-access-token&targetType=personal-access-token&target={token.TokenId}");

        var permissionRow = Assert.Single(permissions);
        Assert.Equal("User permissions changed", permissionRow.What);
        Assert.Contains(email, permissionRow.Target, StringComparison.Ordinal);
        Assert.Contains("view-users", permissionRow.Change, StringComparison.Ordinal);
        Assert.Equal(["Group created", "Group member added"], group.Select(r => r.What));
        Assert.All(group, r => Assert.Equal(groupName, r.Target));
        Assert.Equal("Personal access token created", Assert.Single(tokens).What);
        Assert.StartsWith("script-", tokens[0].Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedTarget_ShowsItsId_AndSaysItIsGone()
    {
        var admin = await app.SignedInAsAdminAsync();
        var groupName = $"Group {Guid.NewGuid():N}";
        var groupId = (await admin.PostAsync($"{UserGroupPages.Groups}/create", GroupForm(groupName))).Headers.Location!.OriginalString.Split('/')[^2];
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync($"{UserGroupPages.Groups}/{groupId}/delete", [])).StatusCode);

        var rows = await admin.ReadRowsAsync($"{Page}?targetType=group&target={groupId}");

        Assert.Equal(["Group deleted", "Group created"], rows.Select(r => r.What));
        Assert.All(rows, r => Assert.Equal($"{groupId} (no longer exists)", r.Target));
        Assert.Contains($"name: {groupName} → (removed)", rows[0].Change, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInSucceededFailedAndLockedOut_AreAudited_AndThePageAnswersAsBefore()
    {
        var (email, userId) = await app.CreateUserWithIdAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        var browser = app.CreateBrowser();

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, AuthClientsAppFactory.UserPassword)).StatusCode);
        var failures = new List<HttpResponseMessage> { await app.CreateBrowser().SignInAsync(unknown, "whatever-password") };
        for (var attempt = 0; attempt < IdentityHosting.MaxFailedSignIns; attempt++)
        {
            failures.Add(await app.CreateBrowser().SignInAsync(email, "not-the-password-at-all"));
        }

        foreach (var failure in failures)
        {
            Assert.Equal(HttpStatusCode.OK, failure.StatusCode);
            Assert.Contains(WebUtility.HtmlEncode(AccountController.FailedMessage), await failure.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var admin = await app.SignedInAsAdminAsync();
        var rows = await admin.ReadRowsAsync($"{Page}?action=sign-in&targetType=user&target={userId}&dir=asc");
        Assert.Equal(["Signed in", .. Enumerable.Repeat("Sign-in failed", IdentityHosting.MaxFailedSignIns), "Locked out"], rows.Select(r => r.What));
        Assert.Equal(email, rows[0].Who);
        Assert.All(rows.Skip(1), r => Assert.Equal(SignInAudit.AnonymousActor, r.Who));
        Assert.Contains("reason: wrong-password", rows[1].Change, StringComparison.Ordinal);
        var unknownRecord = Assert.Single(await app.RecordsAsync(q => q.Where(r => r.Action == SignInAudit.Failed && r.Changes!.Contains("unknown-email"))));
        Assert.Equal("", unknownRecord.TargetId);

        // What was typed for an unknown account is kept nowhere: people type passwords into the email box.
        Assert.Empty(await app.RecordsAsync(q => q.Where(r => r.Changes!.Contains(unknown) || r.ActorName.Contains(unknown))));
    }
}
