using System.Security.Claims;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>What a one-time or recovery code gave on the sign-in page's second step.</summary>
public enum CodeCheckOutcome { Succeeded, Wrong, LockedOut }

/// <summary>What follows a right password on the sign-in page.</summary>
public enum AfterPassword
{
    /// <summary>The password is enough: the session starts.</summary>
    SignIn,

    /// <summary>A one-time code or recovery code is asked next.</summary>
    Code,

    /// <summary>
    /// Refused: the second-factor policy covers the user and their only second factor is a passkey,
    /// which signs in on its own ("Sign in with a passkey"); the password alone would skip it.
    /// </summary>
    Passkey,
}

/// <summary>
/// The sign-in page's second step, for a user with an authenticator app: between the password and
/// the session, Identity's short-lived two-factor cookie remembers who typed the right password.
/// A wrong one-time code or recovery code counts towards the account's lockout like a wrong
/// password (Identity's own recovery-code sign-in does not count them), and a locked-out account
/// is refused even the right code. Each attempt is audited like a password attempt.
/// </summary>
public sealed class SecondFactorSignIn(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    RememberedBrowsers remembered,
    UserAccessService access,
    IOptions<SecondFactorOptions> policy,
    AuditService audit,
    AppDbContext db,
    IHttpContextAccessor http)
{
    /// <summary>The "amr" value of a session that passed both steps (RFC 8176).</summary>
    public const string MultiFactorMethod = "mfa";

    public static readonly string WrongCodeMessage = "The code is not valid. " + PasswordCheckService.LockoutNotice;

    public const string PasskeyRequiredMessage =
        "Your account must sign in with a second factor, and yours is a passkey: use \"Sign in with a passkey\" below instead of your password.";

    private HttpContext Context => http.HttpContext ?? throw new InvalidOperationException("No request.");

    /// <summary>What a user whose password was just accepted must still do in this browser.</summary>
    public async Task<AfterPassword> AfterPasswordAsync(AppUser user)
    {
        if (!user.TwoFactorEnabled)
        {
            return await OnlyAPasskeyMayCompleteAsync(user) ? AfterPassword.Passkey : AfterPassword.SignIn;
        }

        if (!await remembered.IsRememberedAsync(Context, user))
        {
            return AfterPassword.Code;
        }

        // The password completes the sign-in of a remembered browser; Identity's password check leaves
        // the failure count alone for a user with two factors, expecting the code to reset it.
        await users.ResetAccessFailedCountAsync(user);
        return AfterPassword.SignIn;
    }

    // Without an authenticator, a covered user's second factor can only be a passkey, which the
    // password step cannot ask for. A covered user with no passkey either still signs in, to be
    // held at the set-up (SecondFactorSetupGate).
    private async Task<bool> OnlyAPasskeyMayCompleteAsync(AppUser user) =>
        policy.Value.RequireSecondFactor != SecondFactorRequirement.None &&
        await access.GetAsync(user.Id) is { HasSecondFactor: true } current &&
        policy.Value.Covers(current.IsSuperAdmin, current.Permissions);

    /// <summary>Remembers, for a few minutes and in this browser only, that this user's password was right.</summary>
    public Task StartAsync(AppUser user)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id));
        return Context.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The user waiting for their second step in this browser, or null.</summary>
    public async Task<AppUser?> PendingUserAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is { IsActive: true, TwoFactorEnabled: true } user ? user : null;

    public Task<CodeCheckOutcome> CheckAuthenticatorCodeAsync(AppUser user, string code, bool rememberBrowser) =>
        CheckAsync(user, "authenticator", rememberBrowser, async () =>
            await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, WithoutSpaces(code)));

    public Task<CodeCheckOutcome> CheckRecoveryCodeAsync(AppUser user, string code) =>
        CheckAsync(user, "recovery-code", rememberBrowser: false, async () =>
            (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded);

    private async Task<CodeCheckOutcome> CheckAsync(AppUser user, string method, bool rememberBrowser, Func<Task<bool>> verify)
    {
        var target = user.Id;
        var anonymous = ((string?)null, SignInAudit.AnonymousActor);
        if (await users.IsLockedOutAsync(user))
        {
            audit.Record(anonymous, SignInAudit.Failed, UserAudit.TargetType, target, Reason($"{method}: locked-out"));
            await db.SaveChangesAsync(CancellationToken.None);
            return CodeCheckOutcome.LockedOut;
        }

        if (!await verify())
        {
            await users.AccessFailedAsync(user);
            var lockedNow = await users.IsLockedOutAsync(user);
            audit.Record(anonymous, SignInAudit.Failed, UserAudit.TargetType, target, Reason($"{method}: wrong code{(lockedNow ? " (account locked)" : "")}"));
            if (lockedNow)
            {
                audit.Record(anonymous, UserAudit.LockedOut, UserAudit.TargetType, target, new Dictionary<string, FieldChange>
                {
                    ["locked_out_until"] = new(null, user.LockoutEnd?.UtcDateTime),
                });
            }

            await db.SaveChangesAsync(CancellationToken.None);
            return lockedNow ? CodeCheckOutcome.LockedOut : CodeCheckOutcome.Wrong;
        }

        await users.ResetAccessFailedCountAsync(user);
        audit.Record((user.Id, user.UserName ?? user.Id), SignInAudit.Succeeded, UserAudit.TargetType, target, new Dictionary<string, FieldChange>
        {
            ["second_factor"] = new(null, method),
        });
        await db.SaveChangesAsync(CancellationToken.None);
        await Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: MultiFactorMethod);
        if (rememberBrowser && remembered.IsOffered)
        {
            await remembered.RememberAsync(Context, user);
        }

        return CodeCheckOutcome.Succeeded;
    }

    private static Dictionary<string, FieldChange> Reason(string reason) => new() { ["reason"] = new(null, reason) };

    /// <summary>
    /// Apps show codes as "123 456". (Recovery codes are compared in their own normal form, whatever
    /// the case, spaces and dashes: <see cref="RecoveryCodeHashes.Normalize"/>.)
    /// </summary>
    public static string WithoutSpaces(string code) => string.Concat(code.Where(c => !char.IsWhiteSpace(c)));
}
