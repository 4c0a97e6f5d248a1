using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// The authenticator app as a person meets it: set up from the profile with the key shown there,
/// then asked for after the password at every sign-in; recovery codes work once each; wrong codes
/// lock the account like wrong passwords. Codes are computed from the shown key (Otp.NET).
/// </summary>
public sealed class AuthenticatorTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task SetUp_WithTheCodeOfTheShownKey_TurnsItOn_AndShowsTenRecoveryCodesOnce()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);

        var (_, codes) = await browser.SetUpAuthenticatorAsync();

        Assert.Equal(10, codes.Distinct().Count());
        Assert.Empty(await browser.ShownRecoveryCodesAsync()); // shown once: gone on the next view
        var page = await browser.GetStringAsync(SecurityTab);
        Assert.Contains("An authenticator app is set up", page, StringComparison.Ordinal);
        Assert.Contains(await app.AuditRecordsAsync(await app.UserIdAsync(email)), r => r.Action == SecondFactorAudit.AuthenticatorEnabled);
        Assert.True(await browser.IsSignedInAsync(), "Setting up the authenticator ended the session that did it.");
    }

    [Fact]
    public async Task SetUp_WithWrongCodes_SaysSo_AndLeavesItOff()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);
        var key = await browser.ShownKeyAsync();

        foreach (var wrong in WrongCodesFor(key, 3, seed: 1).Append("").Append("12345678901"))
        {
            var response = await browser.PostFormAsync(SecurityTab, $"{SecurityTab}/authenticator", [new("Code", wrong)]);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(CodeError(await response.Content.ReadAsStringAsync()));
        }

        // Still off: signing in asks for no code, and the same key is still offered.
        Assert.Equal(key, await browser.ShownKeyAsync());
        var again = await app.CreateBrowser().PasswordStepAsync(email);
        Assert.Equal("/", again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_AfterSetUp_AsksForTheCodeAfterThePassword_AndOnlyTheCurrentCodeLetsIn()
    {
        var email = await app.CreateUserAsync();
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var browser = app.CreateBrowser();

        var password = await browser.PasswordStepAsync(email);

        Assert.Equal(TwoFactor, password.Headers.Location?.OriginalString);
        Assert.False(await browser.IsSignedInAsync(), "The password alone signed in a user with an authenticator.");
        var wrong = await browser.CodeStepAsync(WrongCodesFor(key, 1, seed: 2)[0]);
        Assert.Equal(SecondFactorSignIn.WrongCodeMessage, CodeError(await wrong.Content.ReadAsStringAsync()));
        Assert.False(await browser.IsSignedInAsync());

        var right = await browser.CodeStepAsync(CodeFor(key));

        Assert.Equal("/", right.Headers.Location?.OriginalString);
        Assert.True(await browser.IsSignedInAsync());
    }

    [Fact]
    public async Task CodeStep_WithoutTheRightPasswordFirst_SendsBackToTheSignInPage()
    {
        var email = await app.CreateUserAsync();
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email, "not-the-password-at-all");

        var response = await browser.PostFormAsync("/account/login", TwoFactor, [new("Code", CodeFor(key))]);

        Assert.Equal(Routes.SignIn, response.Headers.Location?.OriginalString);
        Assert.False(await browser.IsSignedInAsync());
    }

    [Fact]
    public async Task RecoveryCodes_EachSignInOnce()
    {
        var email = await app.CreateUserAsync();
        var (_, codes) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();

        foreach (var code in codes.Take(3))
        {
            var first = app.CreateBrowser();
            await first.PasswordStepAsync(email);
            Assert.Equal("/", (await first.RecoveryStepAsync(code)).Headers.Location?.OriginalString);
            Assert.True(await first.IsSignedInAsync());

            var second = app.CreateBrowser();
            await second.PasswordStepAsync(email);
            var reused = await second.RecoveryStepAsync(code);
            Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
            Assert.Equal(SecondFactorSignIn.WrongCodeMessage, CodeError(await reused.Content.ReadAsStringAsync()));
            Assert.False(await second.IsSignedInAsync(), $"Recovery code {code} signed in twice.");
        }

        var page = await (await SignInWithRecoveryCodeAsync(email, codes[3])).GetStringAsync(SecurityTab);
        Assert.Contains("Recovery codes left: <strong>6</strong>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenewingRecoveryCodes_ShowsTenNew_AndTheOldOnesStopWorking()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);
        var (_, old) = await browser.SetUpAuthenticatorAsync();

        var response = await browser.PostFormAsync(SecurityTab, $"{SecurityTab}/recovery-codes", []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var renewed = await browser.ShownRecoveryCodesAsync();

        Assert.Equal(10, renewed.Count);
        Assert.Empty(renewed.Intersect(old));
        var stale = app.CreateBrowser();
        await stale.PasswordStepAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await stale.RecoveryStepAsync(old[0])).StatusCode);
        Assert.True(await (await SignInWithRecoveryCodeAsync(email, renewed[0])).IsSignedInAsync());
    }

    public enum Step { AuthenticatorCode, RecoveryCode }

    /// <summary>
    /// Wrong codes, many different ones, count towards the same lockout as wrong passwords: after
    /// the fifth the right code, a recovery code and the right password are all refused.
    /// </summary>
    [Theory]
    [InlineData(Step.AuthenticatorCode)]
    [InlineData(Step.RecoveryCode)]
    public async Task WrongCodes_LockTheAccount_ThenNothingLetsIn(Step step)
    {
        var email = await app.CreateUserAsync();
        var (key, codes) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);

        var wrong = step == Step.AuthenticatorCode
            ? WrongCodesFor(key, IdentityHosting.MaxFailedSignIns, seed: 3)
            : Enumerable.Range(0, IdentityHosting.MaxFailedSignIns).Select(i => $"{Guid.NewGuid():N}"[..5].ToUpperInvariant() + "-" + $"{i:D5}").ToList();
        foreach (var code in wrong)
        {
            var response = step == Step.AuthenticatorCode ? await browser.CodeStepAsync(code) : await browser.RecoveryStepAsync(code);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.CodeStepAsync(CodeFor(key))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.RecoveryStepAsync(codes[0])).StatusCode);
        Assert.False(await browser.IsSignedInAsync());
        var password = await app.CreateBrowser().PasswordStepAsync(email);
        Assert.Equal(HttpStatusCode.OK, password.StatusCode); // the sign-in page again, with its one message
        var audit = await app.AuditRecordsAsync(await app.UserIdAsync(email));
        Assert.Single(audit, r => r.Action == UserAudit.LockedOut);
    }

    [Fact]
    public async Task WrongPasswords_AndWrongCodes_CountTogether()
    {
        var email = await app.CreateUserAsync();
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        for (var i = 0; i < IdentityHosting.MaxFailedSignIns - 1; i++)
        {
            await app.CreateBrowser().PasswordStepAsync(email, "not-the-password-at-all");
        }

        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);
        await browser.CodeStepAsync(WrongCodesFor(key, 1, seed: 4)[0]);

        Assert.Equal(HttpStatusCode.OK, (await browser.CodeStepAsync(CodeFor(key))).StatusCode);
        Assert.False(await browser.IsSignedInAsync());
    }

    private async Task<HttpClient> SignInWithRecoveryCodeAsync(string email, string code)
    {
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.RecoveryStepAsync(code)).StatusCode);
        return browser;
    }
}
