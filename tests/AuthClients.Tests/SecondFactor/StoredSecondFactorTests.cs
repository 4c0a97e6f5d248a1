using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// What the database keeps of a user's second factor: neither the authenticator key nor any
/// recovery code in a readable form, in any spelling a person would type. Rows written before that
/// (Identity's plain text) still sign in, and are rewritten unreadable by their first use.
/// </summary>
public sealed class StoredSecondFactorTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    // Identity's own names for the rows (UserStoreBase), as older rows have them.
    private const string IdentityLoginProvider = "[AspNetUserStore]";

    [Fact]
    public async Task AfterSetUp_TheTokenRowsHoldNeitherTheKeyNorAnyRecoveryCode_AndTheCodesStillWorkOnce()
    {
        var (email, id) = await app.CreateUserWithIdAsync();
        var (key, codes) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();

        await AssertNothingReadableAsync(id, key, codes);
        Assert.True(await app.SignsInWithRecoveryCodeAsync(email, codes[0]));
        Assert.False(await app.SignsInWithRecoveryCodeAsync(email, codes[0]), "A recovery code signed in twice.");
        Assert.True(await app.SignsInWithCodeAsync(email, CodeFor(key)));
        await AssertNothingReadableAsync(id, key, codes);
    }

    [Fact]
    public async Task APlainKeyFromBefore_StillSignsIn_AndIsThenStoredEncrypted()
    {
        var (email, id) = await app.CreateUserWithIdAsync();
        var key = new string([.. Enumerable.Range(0, 32).Select(i => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[Random.Shared.Next(32)])]);
        await WritePlainRowsAsync(id, key, recoveryCodes: null);
        Assert.Contains(await TokenValuesAsync(id), v => v.Contains(key, StringComparison.Ordinal)); // the old form, as written

        Assert.True(await app.SignsInWithCodeAsync(email, CodeFor(key)), "A key stored in plain text before no longer signs in.");

        await AssertNothingReadableAsync(id, key, []);
        Assert.True(await app.SignsInWithCodeAsync(email, CodeFor(key)), "The key no longer signs in once encrypted.");
    }

    [Fact]
    public async Task PlainRecoveryCodesFromBefore_StillSignInOnceEach_AndAreThenStoredHashed()
    {
        var (email, id) = await app.CreateUserWithIdAsync();
        var key = await (await app.SignedInAsync(email)).ShownKeyAsync();
        string[] codes = ["BCDFG-23456", "HJKMN-789BC", "PQRTV-WXY23", "DFGHJ-KMNPQ"];
        await WritePlainRowsAsync(id, key, codes);

        Assert.True(await app.SignsInWithRecoveryCodeAsync(email, codes[1]), "A recovery code stored in plain text before no longer signs in.");

        await AssertNothingReadableAsync(id, key, codes);
        Assert.False(await app.SignsInWithRecoveryCodeAsync(email, codes[1]), "A recovery code signed in twice.");
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.RecoveryStepAsync(codes[3])).StatusCode);
        Assert.Contains("Recovery codes left: <strong>2</strong>", await browser.GetStringAsync(SecurityTab), StringComparison.Ordinal);
    }

    private async Task AssertNothingReadableAsync(string userId, string key, IEnumerable<string> codes)
    {
        var values = await TokenValuesAsync(userId);
        Assert.NotEmpty(values);
        var secrets = codes.SelectMany(c => new[] { c, c.Replace("-", "", StringComparison.Ordinal) })
            .SelectMany(c => new[] { c, c.ToLowerInvariant() })
            .Append(key).Append(key.ToLowerInvariant());
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
        }
    }

    private Task<List<string>> TokenValuesAsync(string userId) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().UserTokens.AsNoTracking()
            .Where(t => t.UserId == userId).Select(t => t.Value ?? "").ToListAsync());

    /// <summary>The rows Identity's own store wrote before this app protected them: the key and the codes as plain text.</summary>
    private Task WritePlainRowsAsync(string userId, string key, string[]? recoveryCodes) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.UserTokens.RemoveRange(db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == IdentityLoginProvider));
            db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = IdentityLoginProvider, Name = "AuthenticatorKey", Value = key });
            db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = IdentityLoginProvider, Name = "RecoveryCodes", Value = string.Join(';', recoveryCodes ?? []) });
            var user = await db.Set<AppUser>().SingleAsync(u => u.Id == userId);
            user.TwoFactorEnabled = true;
            await db.SaveChangesAsync();
        });
}
