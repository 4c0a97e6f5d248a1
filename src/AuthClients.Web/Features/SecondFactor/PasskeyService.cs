using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>
/// Passkeys through ASP.NET Core Identity's own WebAuthn support: creation and request options
/// for the browser, attestation when a user adds one on their profile, assertion when someone
/// signs in with one alone. The challenge between the two halves of each ceremony lives in
/// Identity's short-lived cookie. Identity keeps no last-used time, so it is kept beside the
/// passkey in the user's Identity tokens, keyed by a hash of the credential id.
/// </summary>
public sealed partial class PasskeyService(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    AuditService audit,
    AppDbContext db,
    TimeProvider clock,
    ILogger<PasskeyService> logger)
{
    /// <summary>The "amr" value of a session started with a passkey (RFC 8176: proof of a hardware-held key).</summary>
    public const string PasskeyMethod = "hwk";

    public const int MaxNameLength = 100;
    public const string NotAcceptedMessage = "The passkey was not accepted. Try again, or use another passkey.";
    public const string SignInFailedMessage = "That passkey cannot sign in here. Use another passkey, or your email and password.";
    public const string MissingMessage = "This passkey no longer exists.";

    private const string LastUsedProvider = "AuthClients.PasskeyLastUsed";

    public async Task<IReadOnlyList<PasskeyListItem>> ListAsync(AppUser user)
    {
        var items = new List<PasskeyListItem>();
        foreach (var passkey in await users.GetPasskeysAsync(user))
        {
            var lastUsed = await users.GetAuthenticationTokenAsync(user, LastUsedProvider, LastUsedKey(passkey.CredentialId));
            items.Add(new PasskeyListItem(
                Base64Url.EncodeToString(passkey.CredentialId),
                passkey.Name ?? "Passkey",
                passkey.CreatedAt.UtcDateTime,
                DateTime.TryParse(lastUsed, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : null));
        }

        return items.OrderBy(p => p.CreatedAt).ToList();
    }

    /// <summary>What <c>navigator.credentials.create()</c> needs to make a passkey for this user (JSON).</summary>
    public Task<string> CreationOptionsAsync(AppUser user) =>
        signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = user.Id,
            Name = user.Email ?? user.UserName ?? user.Id,
            DisplayName = user.FullName.Length > 0 ? user.FullName : user.Email ?? user.Id,
        });

    /// <summary>Checks what the browser made (the JSON of <c>navigator.credentials.create()</c>) and stores it under <paramref name="name"/>.</summary>
    public async Task<ChangeResult> AddAsync(AppUser user, string credentialJson, string name)
    {
        var attestation = await signIn.PerformPasskeyAttestationAsync(credentialJson);
        if (!attestation.Succeeded || attestation.UserEntity.Id != user.Id)
        {
            LogRefused(logger, "attestation", attestation.Failure?.Message ?? "made for another user");
            return ChangeResult.Invalid("", NotAcceptedMessage);
        }

        var passkey = attestation.Passkey;
        passkey.Name = name.Trim();
        audit.Record(SecondFactorAudit.PasskeyAdded, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange> { ["passkey"] = new(null, passkey.Name) });
        var result = await users.AddOrUpdatePasskeyAsync(user, passkey);
        return result.Succeeded ? ChangeResult.Saved(user.Id) : ChangeResult.Invalid("", NotAcceptedMessage);
    }

    public async Task<ChangeResult> RemoveAsync(AppUser user, string id)
    {
        var credentialId = Decode(id);
        if (credentialId is null || await users.GetPasskeyAsync(user, credentialId) is not { } passkey)
        {
            return ChangeResult.NotFound;
        }

        audit.Record(SecondFactorAudit.PasskeyRemoved, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange> { ["passkey"] = new(passkey.Name, null) });
        await users.RemovePasskeyAsync(user, credentialId);
        await users.RemoveAuthenticationTokenAsync(user, LastUsedProvider, LastUsedKey(credentialId));
        return ChangeResult.Saved(user.Id);
    }

    /// <summary>Removes every passkey of <paramref name="user"/> (an administrator's reset); returns how many there were.</summary>
    public async Task<int> RemoveAllAsync(AppUser user)
    {
        var all = await users.GetPasskeysAsync(user);
        foreach (var passkey in all)
        {
            await users.RemovePasskeyAsync(user, passkey.CredentialId);
            await users.RemoveAuthenticationTokenAsync(user, LastUsedProvider, LastUsedKey(passkey.CredentialId));
        }

        return all.Count;
    }

    /// <summary>What <c>navigator.credentials.get()</c> needs on the sign-in page: any passkey of this site (JSON).</summary>
    public Task<string> RequestOptionsAsync() => signIn.MakePasskeyRequestOptionsAsync(user: null);

    /// <summary>
    /// Signs in whoever the passkey (the JSON of <c>navigator.credentials.get()</c>) belongs to: an
    /// active account that is not locked out. Audited like a password sign-in.
    /// </summary>
    public async Task<bool> SignInAsync(string credentialJson)
    {
        var assertion = await signIn.PerformPasskeyAssertionAsync(credentialJson);
        var (user, passkey) = assertion.Succeeded ? (assertion.User, assertion.Passkey) : (null, null);
        if (!assertion.Succeeded)
        {
            LogRefused(logger, "assertion", assertion.Failure?.Message ?? "");
        }

        var anonymous = ((string?)null, SignInAudit.AnonymousActor);
        if (user is null || passkey is null || !user.IsActive || await users.IsLockedOutAsync(user))
        {
            var reason = user is null ? "passkey: not accepted" : !user.IsActive ? "passkey: inactive" : "passkey: locked-out";
            audit.Record(anonymous, SignInAudit.Failed, UserAudit.TargetType, user?.Id ?? "", new Dictionary<string, FieldChange> { ["reason"] = new(null, reason) });
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }

        audit.Record((user.Id, user.UserName ?? user.Id), SignInAudit.Succeeded, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange>
        {
            ["method"] = new(null, "passkey"),
        });

        // The new signature counter, and when it was last used.
        await users.AddOrUpdatePasskeyAsync(user, passkey);
        await users.SetAuthenticationTokenAsync(user, LastUsedProvider, LastUsedKey(passkey.CredentialId), clock.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: PasskeyMethod);
        return true;
    }

    public async Task<bool> HasAnyAsync(AppUser user) => (await users.GetPasskeysAsync(user)).Count > 0;

    // Identity's reason (a wrong origin, challenge or signature): it names no key and no secret.
    [LoggerMessage(Level = LogLevel.Information, Message = "A passkey {Ceremony} was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string ceremony, string reason);

    private static byte[]? Decode(string id)
    {
        try
        {
            return Base64Url.DecodeFromChars(id);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Identity's token names hold 128 characters; a credential id may be up to 1023 bytes.
    private static string LastUsedKey(byte[] credentialId) => Base64Url.EncodeToString(SHA256.HashData(credentialId));
}
