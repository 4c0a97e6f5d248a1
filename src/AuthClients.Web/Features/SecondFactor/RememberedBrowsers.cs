using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Authentication.Cookies;
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
/// so it would be forgotten at the first sign-out. The cookie holds when it was issued, not until
/// when it is good, so lowering the setting shortens browsers remembered before, at once.
/// </summary>
public sealed class RememberedBrowsers(
    IDataProtectionProvider protection,
    UserManager<AppUser> users,
    IOptions<SecondFactorOptions> options,
    IOptionsMonitor<CookieAuthenticationOptions> cookies,
    TimeProvider clock)
{
    public const string CookieName = "AuthClients.RememberBrowser";

    private const string FormatVersion = "v2";

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

        // "v2|user|fingerprint|issued"; the first cookies held their expiry instead, which a lowered
        // setting could not shorten: those browsers are asked for the code once more.
        if (parts.Length != 4 || parts[0] != FormatVersion || parts[1] != user.Id
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            || clock.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(issued).AddDays(options.Value.RememberBrowserDays))
        {
            return false;
        }

        var fingerprint = await FingerprintAsync(user);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[2]), Encoding.ASCII.GetBytes(fingerprint));
    }

    public async Task RememberAsync(HttpContext context, AppUser user)
    {
        var issued = clock.GetUtcNow();
        var value = _protector.Protect($"{FormatVersion}|{user.Id}|{await FingerprintAsync(user)}|{issued.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}");
        // The session cookie's own settings (IdentityHosting: HttpOnly, SameSite, Secure whenever the
        // request came over HTTPS, as seen through the forwarded headers), so the two never differ.
        var cookie = cookies.Get(IdentityConstants.ApplicationScheme).Cookie.Build(context);
        cookie.Expires = issued.AddDays(options.Value.RememberBrowserDays);
        cookie.IsEssential = true;
        context.Response.Cookies.Append(CookieName, value, cookie);
    }

    private async Task<string> FingerprintAsync(AppUser user) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(await users.GetAuthenticatorKeyAsync(user) ?? "")), 0, 16);
}
