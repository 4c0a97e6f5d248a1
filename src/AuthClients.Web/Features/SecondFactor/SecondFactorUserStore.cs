using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>
/// Identity's EF Core user store, except for the two second-factor secrets it keeps in
/// AspNetUserTokens, which it would write as plain text: the recovery codes are kept as salted
/// hashes (<see cref="RecoveryCodeHashes"/>) and the authenticator key encrypted with Data
/// Protection (a purpose of its own). Rows written before, in plain text, still work: the key is
/// encrypted the first time it is read, the codes hashed when one is redeemed.
/// </summary>
public sealed class SecondFactorUserStore(AppDbContext context, IDataProtectionProvider protection, IdentityErrorDescriber? describer = null)
    : UserStore<AppUser, IdentityRole, AppDbContext, string>(context, describer)
{
    // Identity's own names for these rows (private in UserStoreBase), so that older rows are found.
    private const string IdentityLoginProvider = "[AspNetUserStore]";
    private const string AuthenticatorKeyName = "AuthenticatorKey";
    private const string RecoveryCodesName = "RecoveryCodes";

    // Marks an encrypted key; a plain one is base32 (A-Z, 2-7) and never has a colon.
    private const string ProtectedKeyPrefix = "dp:";

    private readonly IDataProtector _keys = protection.CreateProtector("AuthClients.SecondFactor.AuthenticatorKey.v1");

    public override async Task SetAuthenticatorKeyAsync(AppUser user, string key, CancellationToken cancellationToken)
    {
        // A new key starts its own count of used codes; the same key written again (an upgrade) keeps it.
        if (await GetAuthenticatorKeyAsync(user, cancellationToken) != key)
        {
            user.LastAuthenticatorTimeStep = null;
        }

        await SetTokenAsync(user, IdentityLoginProvider, AuthenticatorKeyName, ProtectedKeyPrefix + _keys.Protect(key), cancellationToken);
    }

    public override async Task<string?> GetAuthenticatorKeyAsync(AppUser user, CancellationToken cancellationToken)
    {
        var stored = await GetTokenAsync(user, IdentityLoginProvider, AuthenticatorKeyName, cancellationToken);
        if (string.IsNullOrEmpty(stored))
        {
            return stored;
        }

        if (stored.StartsWith(ProtectedKeyPrefix, StringComparison.Ordinal))
        {
            return _keys.Unprotect(stored[ProtectedKeyPrefix.Length..]);
        }

        // A plain key from before: encrypted in the tracked row, written by this request's next save
        // (the sign-in that reads it always saves). Writing it twice from two requests is harmless.
        await SetTokenAsync(user, IdentityLoginProvider, AuthenticatorKeyName, ProtectedKeyPrefix + _keys.Protect(stored), cancellationToken);
        return stored;
    }

    public override Task ReplaceCodesAsync(AppUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, IdentityLoginProvider, RecoveryCodesName, RecoveryCodeHashes.Hash(recoveryCodes).ToString(), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(AppUser user, string code, CancellationToken cancellationToken)
    {
        var left = (await StoredCodesAsync(user, cancellationToken)).Redeem(code);
        if (left is null)
        {
            return false;
        }

        await SetTokenAsync(user, IdentityLoginProvider, RecoveryCodesName, left.ToString(), cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(AppUser user, CancellationToken cancellationToken) =>
        (await StoredCodesAsync(user, cancellationToken)).Count;

    private async Task<RecoveryCodeHashes> StoredCodesAsync(AppUser user, CancellationToken cancellationToken) =>
        RecoveryCodeHashes.Parse(await GetTokenAsync(user, IdentityLoginProvider, RecoveryCodesName, cancellationToken));
}
