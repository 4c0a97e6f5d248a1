using System.Security.Cryptography;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Identity;

namespace AuthClients.Web.Features.Users;

/// <summary>
/// The one place a password is checked: the sign-in page, the profile's password change and the
/// OAuth password grant. An unknown, inactive or locked-out account fails exactly like a wrong
/// password, after the same hashing work, so neither the answer nor its timing tells them apart.
/// Wrong passwords typed by a person (sign-in page, password change) count towards the lockout;
/// the password grant's do not, so no anonymous program can lock a user out through it: its
/// guesses are limited per address and account by <c>ClientAuthenticationThrottle</c> instead.
/// </summary>
public sealed class PasswordCheckService(UserManager<AppUser> users, SignInManager<AppUser> signIn)
{
    /// <summary>The sentence every failed password check ends with.</summary>
    public static readonly string LockoutNotice =
        $"After {IdentityHosting.MaxFailedSignIns} failed attempts an account is locked for {IdentityHosting.LockoutDuration.TotalMinutes} minutes.";

    // Made once by the app's own hasher, so checking against it costs what checking a real user's hash does.
    private static string? _dummyHash;

    /// <returns>The account, when the email and password are right and it may sign in now; otherwise null.</returns>
    public async Task<AppUser?> CheckAsync(string? email, string? password, bool countTowardLockout = true)
    {
        var check = await CheckWithOutcomeAsync(email, password, countTowardLockout);
        return check.Outcome == PasswordCheckOutcome.Succeeded ? check.User : null;
    }

    /// <returns>Whether <paramref name="password"/> is the password of <paramref name="user"/>, an active account not locked out.</returns>
    public async Task<bool> CheckAsync(AppUser? user, string? password, bool countTowardLockout = true) =>
        await OutcomeAsync(user, password, countTowardLockout) == PasswordCheckOutcome.Succeeded;

    /// <summary>
    /// The same check, saying why it failed, for the audit trail (never for the caller: the page
    /// shows one message whatever the outcome). The account is returned whenever it exists.
    /// </summary>
    public async Task<PasswordCheck> CheckWithOutcomeAsync(string? email, string? password, bool countTowardLockout = true)
    {
        var user = string.IsNullOrEmpty(email) ? null : await users.FindByEmailAsync(email);
        return new PasswordCheck(user, await OutcomeAsync(user, password, countTowardLockout));
    }

    private async Task<PasswordCheckOutcome> OutcomeAsync(AppUser? user, string? password, bool countTowardLockout)
    {
        password ??= "";
        if (user is null || !user.IsActive || await users.IsLockedOutAsync(user))
        {
            // Identity would answer a locked account without hashing at all.
            var dummyHash = _dummyHash ??= users.PasswordHasher.HashPassword(new AppUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), dummyHash, password);
            return user is null ? PasswordCheckOutcome.UnknownAccount
                : !user.IsActive ? PasswordCheckOutcome.Inactive
                : PasswordCheckOutcome.LockedOut;
        }

        // Identity checks the lockout again after counting a failure: LockedOut here means this very failure locked the account.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: countTowardLockout);
        return result.Succeeded ? PasswordCheckOutcome.Succeeded
            : result.IsLockedOut ? PasswordCheckOutcome.LockedOutNow
            : result.IsNotAllowed ? PasswordCheckOutcome.NotAllowed
            : PasswordCheckOutcome.WrongPassword;
    }
}

/// <summary>The account an email names (null when none), and what checking its password gave.</summary>
public sealed record PasswordCheck(AppUser? User, PasswordCheckOutcome Outcome);

/// <summary>Why a password check passed or failed; only the audit trail sees the difference.</summary>
public enum PasswordCheckOutcome
{
    Succeeded,
    UnknownAccount,
    Inactive,

    /// <summary>Locked before this attempt.</summary>
    LockedOut,
    WrongPassword,

    /// <summary>A wrong password that locked the account.</summary>
    LockedOutNow,

    /// <summary>Identity's own sign-in rules refused the account (none are configured today).</summary>
    NotAllowed,
}
