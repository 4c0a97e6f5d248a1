using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>
/// "Remember this browser": a cookie, protected by Data Protection, that lets this browser skip
/// the one-time code for <see cref="SecondFactorOptions.RememberBrowserDays"/> days. It names the
/// user and a fingerprint of their authenticator key, so resetting or replacing the authenticator
/// (an administrator's reset included) forgets every browser at once. Identity's own
/// remember-me cookie is not used: it checks the security stamp, which every sign-out here changes,
/// so it would be forgotten at the first sign-out.
/// </summary>
public sealed class RememberedBrowsers(IDataProtectionProvider protection, UserManager<AppUser> users, IOptions<SecondFactorOptions> options, TimeProvider clock)
{
    public const string CookieName = "AuthClients.RememberBrowser";

    private readonly IDataProtector _protector = protection.CreateProtector("AuthClients.SecondFactor.RememberBrowser");

    public bool IsOffered => options.Value.RememberBrowserDays > 0;

    public async Task<bool> IsRememberedAsync(HttpContext context, AppUser user)
    {
        if (!IsOffered || context.Request.Cookies[CookieName] is not { Length: > 0 } cookie)
        {
            return false;
        }

        string[] parts;
        try
        {
            parts = _protector.Unprotect(cookie).Split('|');
        }
        catch (CryptographicException)
        {
            return false;
        }

        if (parts.Length != 3 || parts[0] != user.Id
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || clock.GetUtcNow().ToUnixTimeSeconds() >= expires)
        {
            return false;
        }

        var fingerprint = await FingerprintAsync(user);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[1]), Encoding.ASCII.GetBytes(fingerprint));
    }

    public async Task RememberAsync(HttpContext context, AppUser user)
    {
        var expires = clock.GetUtcNow().AddDays(options.Value.RememberBrowserDays);
        var value = _protector.Protect($"{user.Id}|{await FingerprintAsync(user)}|{expires.ToUnixTimeSeconds()}");
        context.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Expires = expires,
            IsEssential = true,
        });
    }

    private async Task<string> FingerprintAsync(AppUser user) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(await users.GetAuthenticatorKeyAsync(user) ?? "")), 0, 16);
}
