using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.Users;

/// <summary>
/// Identity's user manager, with failed attempts that count however many arrive at once. Identity
/// writes the failure count by saving the whole user row under its concurrency stamp: when another
/// request for the same user saved first (a guess sent in parallel, a one-time code claimed at that
/// moment), the write is refused and the attempt goes uncounted, so an attacker guessing in parallel
/// got more tries than the lockout allows, and the refused change stayed pending for the request's
/// next save, which failed into an error page. Here a refused count is taken again on the row as it
/// now is.
/// </summary>
public sealed class AppUserManager(
    IUserStore<AppUser> store,
    IOptions<IdentityOptions> options,
    IPasswordHasher<AppUser> passwordHasher,
    IEnumerable<IUserValidator<AppUser>> userValidators,
    IEnumerable<IPasswordValidator<AppUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<AppUser>> logger,
    AppDbContext db)
    : UserManager<AppUser>(store, options, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    // Enough for every attempt of a burst as large as the lockout threshold to land.
    private const int Attempts = 10;

    public override Task<IdentityResult> AccessFailedAsync(AppUser user) =>
        OnTheCurrentRowAsync(user, () => base.AccessFailedAsync(user));

    public override Task<IdentityResult> ResetAccessFailedCountAsync(AppUser user) =>
        OnTheCurrentRowAsync(user, () => base.ResetAccessFailedCountAsync(user));

    private async Task<IdentityResult> OnTheCurrentRowAsync(AppUser user, Func<Task<IdentityResult>> count)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await count();
            if (result.Succeeded || attempt == Attempts || !result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                return result;
            }

            // The refused write's changes (the user row, and recovery codes a redeem changed with it)
            // are read again from the database, so nothing stale is written after this.
            foreach (var stale in db.ChangeTracker.Entries()
                .Where(e => e.Entity is AppUser || e.Entity is IdentityUserToken<string>)
                .ToList())
            {
                await stale.ReloadAsync();
            }
        }
    }
}
