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
        var user = string.IsNullOrEmpty(email) ? null : await users.FindByEmailAsync(email);
        return await CheckAsync(user, password, countTowardLockout) ? user : null;
    }

    /// <returns>Whether <paramref name="password"/> is the password of <paramref name="user"/>, an active account not locked out.</returns>
    public async Task<bool> CheckAsync(AppUser? user, string? password, bool countTowardLockout = true)
    {
        password ??= "";
        if (user is null || !user.IsActive || await users.IsLockedOutAsync(user))
        {
            // Identity would answer a locked account without hashing at all.
            var dummyHash = _dummyHash ??= users.PasswordHasher.HashPassword(new AppUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), dummyHash, password);
            return false;
        }

        return (await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: countTowardLockout)).Succeeded;
    }
}
