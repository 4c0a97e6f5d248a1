using System.Text;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>A passkey as the profile lists it.</summary>
public sealed record PasskeyListItem(string Id, string Name, DateTime CreatedAt, DateTime? LastUsedAt);

/// <summary>An authenticator waiting to be confirmed: its key as text and in a QR code.</summary>
public sealed record AuthenticatorSetup(string Key, string OtpAuthUri, string QrCodePngBase64);

/// <summary>The profile's Sign-in security tab.</summary>
public sealed record SignInSecurityViewModel(
    bool AuthenticatorEnabled,
    int RecoveryCodesLeft,
    AuthenticatorSetup? Setup,
    IReadOnlyList<PasskeyListItem> Passkeys,
    bool Required,
    IReadOnlyList<string>? NewRecoveryCodes,
    string? Code = null);

/// <summary>
/// The signed-in user's own second factors: setting up an authenticator app (confirmed with a
/// code, then ten single-use recovery codes shown once) and renewing those codes. Every change is
/// audited; keys and codes never are.
/// </summary>
public sealed class SignInSecurityService(UserManager<AppUser> users, IUserStore<AppUser> store, PasskeyService passkeys, AuditService audit)
{
    public const int RecoveryCodeCount = 10;
    public const string Issuer = "AuthClients";
    public const string WrongSetupCodeMessage = "The code is not valid. Check that the app shows the key above and that this device's clock is right, then enter the current code.";
    public const string AlreadyEnabledMessage = "An authenticator app is already set up.";

    public async Task<SignInSecurityViewModel> ViewAsync(AppUser user, bool required, IReadOnlyList<string>? newRecoveryCodes = null, string? code = null)
    {
        var enabled = await users.GetTwoFactorEnabledAsync(user);
        return new SignInSecurityViewModel(
            enabled,
            enabled ? await users.CountRecoveryCodesAsync(user) : 0,
            enabled ? null : await SetupAsync(user),
            await passkeys.ListAsync(user),
            required,
            newRecoveryCodes,
            code);
    }

    /// <summary>Turns the authenticator on when <paramref name="code"/> is its current code; returns the new recovery codes, or why not.</summary>
    public async Task<(IReadOnlyList<string>? RecoveryCodes, ChangeResult Result)> EnableAuthenticatorAsync(AppUser user, string code)
    {
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return (null, ChangeResult.Invalid("", AlreadyEnabledMessage));
        }

        var valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, SecondFactorSignIn.WithoutSpaces(code));
        if (!valid)
        {
            return (null, ChangeResult.Invalid("Code", WrongSetupCodeMessage));
        }

        audit.Record(SecondFactorAudit.AuthenticatorEnabled, UserAudit.TargetType, user.Id);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await NewRecoveryCodesAsync(user), ChangeResult.Saved(user.Id));
    }

    /// <summary>Ten new recovery codes; the old ones stop working.</summary>
    public async Task<IReadOnlyList<string>?> RenewRecoveryCodesAsync(AppUser user)
    {
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            return null;
        }

        audit.Record(SecondFactorAudit.RecoveryCodesRenewed, UserAudit.TargetType, user.Id);
        return await NewRecoveryCodesAsync(user);
    }

    private async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(AppUser user) =>
        (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];

    private async Task<AuthenticatorSetup> SetupAsync(AppUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // Straight to the store: a key not confirmed yet changes nothing about signing in, so it must not
            // end the user's sessions, as UserManager.ResetAuthenticatorKeyAsync would (it changes the security stamp).
            key = users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<AppUser>)store).SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
            await users.UpdateAsync(user);
        }

        var account = user.Email ?? user.UserName ?? user.Id;
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return new AuthenticatorSetup(Grouped(key), uri, Convert.ToBase64String(png));
    }

    // "ABCD EFGH ..." is easier to type into an app than 32 letters in a row; apps ignore the spaces.
    private static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return text.ToString().TrimEnd().ToUpperInvariant();
    }
}
