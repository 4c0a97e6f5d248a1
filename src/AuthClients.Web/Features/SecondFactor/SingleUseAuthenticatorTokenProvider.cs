using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>
/// The authenticator app's one-time codes (RFC 6238: six digits, 30-second steps), checked as
/// Identity's own AuthenticatorTokenProvider does (two steps either side of now, for clocks that
/// drift), with what it lacks: a code works once. The step of each accepted code is kept in the
/// user's row (<see cref="AppUser.LastAuthenticatorTimeStep"/>), and a code for that step or an
/// earlier one is refused, so a code seen over a shoulder, or already used to set the app up,
/// cannot sign in again within its window. Used for the set-up's confirmation and the sign-in's
/// second step alike.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider(AppDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<AppUser>
{
    public const int CodeLength = 6;

    // Identity's window: 90 seconds either way.
    private static readonly VerificationWindow Window = new(previous: 2, future: 2);

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    // The app makes the codes; the server never sends one (Identity's provider answers "" too).
    public Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user) => Task.FromResult("");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token.Length != CodeLength || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, token, out var step, Window))
        {
            return false;
        }

        // One conditional statement claims the step: of two requests with the same code (two browsers,
        // two instances sharing the database) exactly one changes the row; the other sees 0 rows.
        // It also changes the row's concurrency stamp, so that no request holding an older copy of
        // the user (one that lost this race, a wrong code sent at the same moment) can write that
        // copy back over the claim: Identity refuses its update as a concurrency failure.
        var stamp = Guid.NewGuid().ToString();
        var claimed = await db.Users
            .Where(u => u.Id == user.Id && (u.LastAuthenticatorTimeStep == null || u.LastAuthenticatorTimeStep < step))
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.LastAuthenticatorTimeStep, step)
                .SetProperty(u => u.ConcurrencyStamp, stamp));
        if (claimed == 0)
        {
            return false;
        }

        // The tracked copy too, as the row now is, so this request's own next update of the user succeeds.
        var entry = db.Entry(user);
        user.LastAuthenticatorTimeStep = step;
        user.ConcurrencyStamp = stamp;
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.LastAuthenticatorTimeStep).OriginalValue = step;
            entry.Property(u => u.ConcurrencyStamp).OriginalValue = stamp;
        }

        return true;
    }
}
