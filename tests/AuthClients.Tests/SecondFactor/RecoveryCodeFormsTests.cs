using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// A recovery code is the same code however a person types it: in lower case, without its dash, with
/// spaces around or inside, with the dash elsewhere. Each form signs in once. Anything else is still
/// wrong and still counts toward the lockout.
/// </summary>
public sealed class RecoveryCodeFormsTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    /// <summary>Ways people retype "ABCDE-FGHJK" (one per code: each code works once).</summary>
    private static readonly Func<string, string>[] Retyped =
    [
        code => code.ToLowerInvariant(),
        code => code.Replace("-", "", StringComparison.Ordinal),
        code => $"  {code}\t",
        code => code[..3] + "-" + code[3..].Replace("-", "", StringComparison.Ordinal),
        code => string.Join(' ', code.Replace("-", "", StringComparison.Ordinal).Chunk(2).Select(c => new string(c))),
        code => code.Replace("-", " - ", StringComparison.Ordinal),
        code => code.Replace('-', '\u2010').ToLowerInvariant(), // a typographic hyphen, as some keyboards and notes apps write
        code => code[..5].ToLowerInvariant() + code[6..],
    ];

    [Fact]
    public async Task ACodeRetypedInAnyCaseSpacingOrDashing_SignsInOnce()
    {
        var email = await app.CreateUserAsync();
        var (_, codes) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();

        for (var i = 0; i < Retyped.Length; i++)
        {
            var typed = Retyped[i](codes[i]);
            var browser = app.CreateBrowser();
            await browser.PasswordStepAsync(email);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.RecoveryStepAsync(typed)).StatusCode);
            Assert.True(await browser.IsSignedInAsync(), $"\"{typed}\" (recovery code {codes[i]}) did not sign in.");

            var again = app.CreateBrowser();
            await again.PasswordStepAsync(email);
            var reused = await again.RecoveryStepAsync(codes[i]);
            Assert.Equal(SecondFactorSignIn.WrongCodeMessage, CodeError(await reused.Content.ReadAsStringAsync()));
        }
    }

    /// <summary>Near misses of a real code (a letter changed, one too many or too few, another user's) are wrong, and five lock the account.</summary>
    [Fact]
    public async Task NearMisses_AreRefused_AndLockTheAccount()
    {
        var email = await app.CreateUserAsync();
        var (_, codes) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        var (_, othersCodes) = await (await app.SignedInAsync(await app.CreateUserAsync())).SetUpAuthenticatorAsync();
        var code = codes[0];
        var misses = new[]
        {
            code[..^1] + (code[^1] == 'B' ? 'C' : 'B'),
            code + "2",
            code[..^1],
            othersCodes[0],
            code.Replace("-", "--", StringComparison.Ordinal)[..^1] + "?",
        };
        Assert.Equal(IdentityHosting.MaxFailedSignIns, misses.Length);
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);

        foreach (var miss in misses)
        {
            var response = await browser.RecoveryStepAsync(miss);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(SecondFactorSignIn.WrongCodeMessage, CodeError(await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.RecoveryStepAsync(code)).StatusCode);
        Assert.False(await browser.IsSignedInAsync(), "The right code signed in a locked-out account.");
        Assert.Single(await app.AuditRecordsAsync(await app.UserIdAsync(email)), r => r.Action == UserAudit.LockedOut);
    }
}
