using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Areas.Admin.Controllers;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.AuthClients;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The Credentials section of a confidential client's edit page: rotate with a grace period, copy
/// any active secret (never in a page), revoke, add a public key; and who may do what.
/// </summary>
public sealed class CredentialsSectionTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    /// <summary>Each grace period the dialog offers, and the state the previous secret is then in (warning: 14 days).</summary>
    public static TheoryData<string, double, string> GracePeriods => new()
    {
        { "00:00:00", 0, "revoked" },
        { "01:00:00", 1.0 / 24, "expiring soon" },
        { "1.00:00:00", 1, "expiring soon" },
        { "7.00:00:00", 7, "expiring soon" },
        { "30.00:00:00", 30, "active" },
    };

    [Theory]
    [MemberData(nameof(GracePeriods))]
    public async Task RotateSecret_WithEachGracePeriod_ShowsBothCredentialsInTheirStates(string gracePeriod, double days, string previousState)
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        var before = DateTime.UtcNow;

        var response = await browser.RotateSecretAsync(client.Id, gracePeriod, label: "Production 2027");

        var after = DateTime.UtcNow;
        Assert.Equal($"{AuthClientPages.EditPage(client.Id)}#credentials", response.Headers.Location?.OriginalString);
        var page = await browser.FollowRedirectAsync(response);
        var rows = page.CredentialRows();
        Assert.Equal(2, rows.Count);
        var (renewed, previous) = (rows[0], rows[1]);
        Assert.Equal(("secret", "Production 2027", "active", "never", "never"), (renewed.Kind, renewed.Label, renewed.State, renewed.Expires, renewed.LastUsed));
        Assert.StartsWith("by ", renewed.Created.Split(" UTC ")[1], StringComparison.Ordinal);
        Assert.Equal(("secret", previousState), (previous.Kind, previous.State));
        Assert.Equal(["Copy Client Secret to Clipboard", "Revoke now"], renewed.Buttons);

        var stored = await CredentialAsync(previous.Id);
        var newSecret = await browser.CopySecretAsync(client.Id, renewed.Id);
        Assert.True(await app.SecretIsAcceptedAsync(client.Id, newSecret));
        if (days == 0)
        {
            Assert.Equal(AuthClientsController.SecretRotatedMessage + " The previous secret no longer works.", page.StatusMessage());
            Assert.NotNull(stored.RevokedAt);
            Assert.Empty(previous.Buttons);
            Assert.False(await app.SecretIsAcceptedAsync(client.Id, client.Secret));
            return;
        }

        var until = stored.ExpiresAt!.Value;
        Assert.InRange(until, before.AddDays(days).AddSeconds(-1), after.AddDays(days).AddSeconds(1));
        var shown = until.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        Assert.Equal($"{AuthClientsController.SecretRotatedMessage} The previous secret works until {shown}.", page.StatusMessage());
        Assert.Equal(shown, previous.Expires);
        Assert.Equal($"valid until {shown} not used since the new secret was created", previous.StateNotes);
        Assert.Equal(["Copy Client Secret to Clipboard", "Revoke now"], previous.Buttons);
        Assert.True(await app.SecretIsAcceptedAsync(client.Id, client.Secret), "The previous secret stopped working during its grace period.");
    }

    [Fact]
    public async Task RotateSecret_TheNewSecretIsInNoPage_TheCopyButtonHandsItOutAndIsAudited()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();

        var response = await browser.RotateSecretAsync(client.Id, "7.00:00:00");
        var redirectBody = await response.Content.ReadAsStringAsync();
        var editHtml = await browser.GetStringAsync(AuthClientPages.EditPage(client.Id));
        var listHtml = await browser.GetStringAsync($"{AuthClientPages.List}?search={client.ClientId}");
        var rows = HtmlDocuments.Parse(editHtml).CredentialRows();
        var copiesBefore = await CopyRecordsAsync(client.ClientId);

        // What the new secret's copy button sends: its credential named in the URL.
        var copyUrl = rows[0].CopyUrl!;
        Assert.Equal(rows[0].Id, QueryHelpers.ParseQuery(new Uri("http://x" + copyUrl).Query)["credential"]);
        var newSecret = await browser.CopySecretAsync(client.Id, rows[0].Id);

        Assert.NotEqual(client.Secret, newSecret);
        Assert.True(await app.SecretIsAcceptedAsync(client.Id, newSecret));
        Assert.Equal(copiesBefore + 1, await CopyRecordsAsync(client.ClientId));
        foreach (var html in new[] { redirectBody, editHtml, listHtml })
        {
            Assert.DoesNotContain(newSecret, html, StringComparison.Ordinal);
            Assert.DoesNotContain(client.Secret, html, StringComparison.Ordinal);
        }

        // The previous secret's own button still hands out the previous secret; the list's hands out the newest.
        Assert.Equal(client.Secret, await browser.CopySecretAsync(client.Id, rows[1].Id));
        Assert.Equal(newSecret, await browser.CopySecretAsync(client.Id));
        Assert.Equal(copiesBefore + 3, await CopyRecordsAsync(client.ClientId));
        var records = await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
            .Where(r => r.TargetId == client.ClientId).ToListAsync());
        Assert.All(records, r => Assert.DoesNotContain(newSecret, JsonSerializer.Serialize(r), StringComparison.Ordinal));
    }

    [Fact]
    public async Task CopySecret_NamingAnotherClientsCredential_IsNotFound_AndHandsOutNothing()
    {
        var browser = await app.SignedInAsAdminAsync();
        var mine = await app.RegisterClientAsync();
        var theirs = await app.RegisterClientAsync(scopes: [global::AuthClients.Web.Connect.OAuthScopes.AuthClientsWrite]);

        var response = await browser.RequestSecretAsync(mine.Id, await SecretCredentialIdAsync(theirs.Id));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(theirs.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateSecret_SaysWhetherThePreviousSecretIsStillInUse()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        await browser.RotateSecretAsync(client.Id, "7.00:00:00");
        var rows = (await browser.GetDocumentAsync(AuthClientPages.EditPage(client.Id))).CredentialRows();
        var previous = rows[1];
        var now = DateTime.UtcNow;
        await app.WithServicesAsync(async services =>
        {
            // Time enough between the two secrets for "3 minutes ago" to come after the new one.
            var credentials = services.GetRequiredService<AppDbContext>().AuthClientCredentials;
            await credentials.Where(c => c.Id == rows[0].Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, now.AddMinutes(-10)));
            await credentials.Where(c => c.Id == previous.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, now.AddDays(-30)));
        });

        // Used before the new secret existed: not since.
        await SetLastUsedAsync(previous.Id, now.AddMinutes(-11), "10.0.0.9");
        Assert.EndsWith("not used since the new secret was created", (await PreviousRowAsync(browser, client.Id)).StateNotes, StringComparison.Ordinal);

        await SetLastUsedAsync(previous.Id, now.AddMinutes(-3).AddSeconds(-10), "10.0.0.4");
        var row = await PreviousRowAsync(browser, client.Id);
        Assert.EndsWith("last used 3 minutes ago from 10.0.0.4", row.StateNotes, StringComparison.Ordinal);
        Assert.EndsWith("from 10.0.0.4", row.LastUsed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateSecret_WithAnExpiryInThePast_IsRefusedWithAWarning_AndChangesNothing()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        var before = await app.SnapshotAsync();

        var response = await browser.RotateSecretAsync(client.Id, "7.00:00:00", expiresOn: DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        var page = await browser.FollowRedirectAsync(response);
        Assert.Equal(AuthClientCredentials.PastExpiryMessage, page.StatusMessage());
        Assert.Single(page.CredentialRows());
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task RevokeNow_EndsThePreviousSecretAtOnce_AndTheNewOneKeepsWorking()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        await browser.RotateSecretAsync(client.Id, "7.00:00:00");
        var page = await browser.GetDocumentAsync(AuthClientPages.EditPage(client.Id));
        var previous = page.CredentialRows()[1];
        var newSecret = await browser.CopySecretAsync(client.Id, page.CredentialRows()[0].Id);

        // Revoke now asks first: the confirm dialog takes the credential's URL from its button.
        var button = page.QuerySelectorAll($"tr[data-credential-id='{previous.Id}'] button").Single(b => b.Text() == "Revoke now");
        var dialog = page.QuerySelector(button.GetAttribute("data-bs-target")!)!;
        Assert.NotNull(dialog.QuerySelector("form[data-delete-form]"));
        Assert.Equal(["Cancel", "Confirm"], dialog.QuerySelectorAll(".modal-footer button").Select(b => b.Text()));
        Assert.Equal(AuthClientPages.RevokeUrl(client.Id, previous.Id), previous.RevokeUrl);

        var response = await browser.RevokeCredentialAsync(client.Id, previous.Id);

        var after = await browser.FollowRedirectAsync(response);
        Assert.Equal(AuthClientsController.RevokedMessage, after.StatusMessage());
        var revoked = after.CredentialRows().Single(r => r.Id == previous.Id);
        Assert.Equal("revoked", revoked.State);
        Assert.Empty(revoked.Buttons);
        Assert.False(await app.SecretIsAcceptedAsync(client.Id, client.Secret));
        Assert.True(await app.SecretIsAcceptedAsync(client.Id, newSecret));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.RequestSecretAsync(client.Id, previous.Id)).StatusCode);
    }

    [Fact]
    public async Task AddPublicKey_PemAndJwk_AreListedAsActivePublicKeys()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var point = ec.ExportParameters(false).Q;
        var jwk = JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = Base64Url(point.X!), y = Base64Url(point.Y!) });

        var pem = await browser.AddPublicKeyAsync(client.Id, rsa.ExportSubjectPublicKeyInfoPem(), label: "Signer PEM");
        Assert.Equal(AuthClientsController.PublicKeyAddedMessage, (await browser.FollowRedirectAsync(pem)).StatusMessage());
        var json = await browser.AddPublicKeyAsync(client.Id, jwk, label: "Signer JWK", expiresOn: DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        var page = await browser.FollowRedirectAsync(json);
        Assert.Equal(AuthClientsController.PublicKeyAddedMessage, page.StatusMessage());
        var keys = page.CredentialRows().Where(r => r.Kind == "public key").ToDictionary(r => r.Label.Split(" Key ID ")[0]);
        Assert.Equal(["Signer JWK", "Signer PEM"], keys.Keys.Order(StringComparer.Ordinal));
        Assert.All(keys.Values, k => Assert.Equal("active", k.State));
        Assert.All(keys.Values, k => Assert.Equal(["Revoke now"], k.Buttons));
        Assert.All(keys.Values, k => Assert.Null(k.CopyUrl));
        Assert.Equal("never", keys["Signer PEM"].Expires);
        Assert.EndsWith("00:00 UTC", keys["Signer JWK"].Expires, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPublicKey_PrivateKey_IsRefusedBesideTheField_AndIsNotSentBackInThePage()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        using var rsa = RSA.Create(2048);
        var privateKey = rsa.ExportPkcs8PrivateKeyPem();

        var response = await browser.AddPublicKeyAsync(client.Id, privateKey, label: "Oops");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadDocumentAsync();
        Assert.Equal(PublicKeys.PrivateKeyMessage, page.ErrorNextTo("Form.Key"));
        Assert.Equal("", page.FieldValue("Form.Key"));
        Assert.DoesNotContain(privateKey.Split('\n')[1], page.Source.Text, StringComparison.Ordinal);
        Assert.Equal("Oops", page.FieldValue("Form.Label"));
        Assert.Equal("Edit Auth Client", page.QuerySelector("h1")!.Text());
        Assert.Single(page.CredentialRows());
        Assert.Single(await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials.AsNoTracking()
            .Where(c => c.ApplicationId == client.Id).ToListAsync()));
    }

    [Fact]
    public async Task AddPublicKey_ShortKey_IsRefusedBesideTheField_AndThePastedTextIsKept()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        using var rsa = RSA.Create(1024);
        var shortKey = rsa.ExportSubjectPublicKeyInfoPem();

        var page = await (await browser.AddPublicKeyAsync(client.Id, shortKey, label: "Too short")).ReadDocumentAsync();

        Assert.Equal(PublicKeys.ShortKeyMessage, page.ErrorNextTo("Form.Key"));
        Assert.Equal(shortKey, page.FieldValue("Form.Key"));
        Assert.Single(page.CredentialRows());
    }

    [Fact]
    public async Task ViewOnlyUser_SeesNoCredentialButtons_AndIsRefusedEveryCredentialPost()
    {
        var client = await app.RegisterClientAsync();
        var credentialId = await SecretCredentialIdAsync(client.Id);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey]));
        var before = await app.SnapshotAsync();

        var list = await browser.GetDocumentAsync($"{AuthClientPages.List}?search={client.ClientId}");
        Assert.DoesNotContain(list.QuerySelectorAll("button, a"), b => b.Text() is "Rotate secret" or "Revoke now" or "Add public key");
        await HttpAssert.IsForbiddenPageAsync(await browser.GetAsync(AuthClientPages.EditPage(client.Id)));
        using var rsa = RSA.Create(2048);
        var token = await browser.GetAntiforgeryTokenAsync(AuthClientPages.List);
        foreach (var (url, fields) in new (string, KeyValuePair<string, string>[])[]
        {
            (AuthClientPages.RotateSecretUrl(client.Id), [new("Rotation.GracePeriod", "00:00:00")]),
            (AuthClientPages.RevokeUrl(client.Id, credentialId), []),
            (AuthClientPages.AddPublicKeyUrl(client.Id), [new("Form.Key", rsa.ExportSubjectPublicKeyInfoPem())]),
            (AuthClientPages.RegenerateSecretUrl(client.Id), []),
        })
        {
            await HttpAssert.IsForbiddenPageAsync(await browser.PostWithTokenAsync(url, token, fields));
        }

        Assert.Equal(before, await app.SnapshotAsync());
        Assert.True(await app.SecretIsAcceptedAsync(client.Id, client.Secret));
    }

    [Fact]
    public async Task EditorWithoutTheScopesRights_MayRevoke_ButNotCopyRotateOrAddAKey()
    {
        var client = await app.RegisterClientAsync(scopes: [global::AuthClients.Web.Connect.OAuthScopes.AuthClientsWrite]);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey, Permissions.AuthClients.EditKey]));

        var page = await browser.GetDocumentAsync(AuthClientPages.EditPage(client.Id));

        var row = Assert.Single(page.CredentialRows());
        Assert.Equal(["Revoke now"], row.Buttons);
        Assert.DoesNotContain(page.QuerySelectorAll("button"), b => b.Text() is "Rotate secret" or "Add public key");
        Assert.Contains("You cannot copy or rotate this client's secrets or add a public key", page.QuerySelector("#credentials")!.Text(), StringComparison.Ordinal);
        using var rsa = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.RotateSecretAsync(client.Id, "7.00:00:00")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.AddPublicKeyAsync(client.Id, rsa.ExportSubjectPublicKeyInfoPem())).StatusCode);
        Assert.Single(await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials.AsNoTracking()
            .Where(c => c.ApplicationId == client.Id).ToListAsync()));
    }

    private static async Task<AuthClientPages.CredentialRow> PreviousRowAsync(HttpClient browser, string id) =>
        (await browser.GetDocumentAsync(AuthClientPages.EditPage(id))).CredentialRows()[1];

    private Task<AuthClientCredential> CredentialAsync(string credentialId) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials.AsNoTracking().SingleAsync(c => c.Id == credentialId));

    private Task<string> SecretCredentialIdAsync(string id) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials.AsNoTracking()
            .Where(c => c.ApplicationId == id && c.Kind == CredentialKind.Secret).Select(c => c.Id).SingleAsync());

    private Task<int> SetLastUsedAsync(string credentialId, DateTime at, string from) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials.Where(c => c.Id == credentialId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, at).SetProperty(c => c.LastUsedFrom, from)));

    private Task<int> CopyRecordsAsync(string clientId) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
            .CountAsync(r => r.TargetId == clientId && r.Action == "auth-client.secret-copied"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
