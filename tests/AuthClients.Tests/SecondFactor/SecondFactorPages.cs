using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using System.Security.Cryptography;
using AngleSharp.Html.Parser;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// Drives the Sign-in security tab and the sign-in page's second step through HTTP, and computes
/// one-time codes from the key the page shows, as an authenticator app would (Otp.NET).
/// </summary>
public static partial class SecondFactorPages
{
    public const string SecurityTab = "/profile/security";
    public const string TwoFactor = "/account/two-factor";
    public const string RecoveryCode = "/account/recovery-code";

    /// <summary>The key the tab shows as text ("ABCD EFGH ..."), without its spaces.</summary>
    public static async Task<string> ShownKeyAsync(this HttpClient browser)
    {
        var html = await browser.GetStringAsync(SecurityTab);
        var match = KeyPattern().Match(html);
        Assert.True(match.Success, "The Sign-in security tab shows no authenticator key.");
        Assert.Contains("<img src=\"data:image/png;base64,", html, StringComparison.Ordinal);
        return match.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
    }

    /// <summary>The code an authenticator app holding <paramref name="key"/> shows now.</summary>
    public static string CodeFor(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp();

    /// <summary>
    /// Six-digit codes no app holding <paramref name="key"/> could show now or in the steps around now
    /// (the server accepts two steps either side for clock drift), so each is wrong for sure.
    /// </summary>
    public static IReadOnlyList<string> WrongCodesFor(string key, int count, int seed)
    {
        var totp = new Totp(Base32Encoding.ToBytes(key));
        var now = DateTime.UtcNow;
        var accepted = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        var random = new Random(seed);
        var wrong = new List<string>();
        while (wrong.Count < count)
        {
            var code = random.Next(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!accepted.Contains(code) && !wrong.Contains(code))
            {
                wrong.Add(code);
            }
        }

        return wrong;
    }

    /// <summary>Sets up the authenticator from the tab, as a person would; returns the key and the recovery codes shown.</summary>
    public static async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> SetUpAuthenticatorAsync(this HttpClient browser)
    {
        var key = await browser.ShownKeyAsync();
        var response = await browser.PostFormAsync(SecurityTab, $"{SecurityTab}/authenticator", [new("Code", CodeFor(key))]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var codes = await browser.ShownRecoveryCodesAsync();
        Assert.Equal(10, codes.Count);
        return (key, codes);
    }

    /// <summary>The recovery codes the tab lists right now (empty when none are shown).</summary>
    public static async Task<IReadOnlyList<string>> ShownRecoveryCodesAsync(this HttpClient browser)
    {
        var document = new HtmlParser().ParseDocument(await browser.GetStringAsync(SecurityTab));
        return document.QuerySelectorAll("[data-recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();
    }

    /// <summary>Types the email and password; returns the answer (a redirect to the second step for a user with an authenticator).</summary>
    public static Task<HttpResponseMessage> PasswordStepAsync(this HttpClient browser, string email, string password = AuthClientsAppFactory.UserPassword) =>
        browser.SignInAsync(email, password);

    public static Task<HttpResponseMessage> CodeStepAsync(this HttpClient browser, string code, bool rememberBrowser = false) =>
        browser.PostFormAsync(TwoFactor, TwoFactor, rememberBrowser ? [new("Code", code), new("RememberBrowser", "true")] : [new("Code", code)]);

    public static Task<HttpResponseMessage> RecoveryStepAsync(this HttpClient browser, string code) =>
        browser.PostFormAsync(RecoveryCode, RecoveryCode, [new("Code", code)]);

    /// <summary>
    /// Stores a passkey for the user as the profile would after a browser made one. Its key cannot
    /// sign anything: these tests are about what the password step does for a user who has one (the
    /// ceremonies themselves run in Chromium, tests/AuthClients.BrowserTests).
    /// </summary>
    public static Task AddStoredPasskeyAsync(this AuthClientsAppFactory app, string email) =>
        app.WithServicesAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}.");
            var passkey = new UserPasskeyInfo(
                RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(77), DateTimeOffset.UtcNow, signCount: 0,
                transports: ["internal"], isUserVerified: true, isBackupEligible: false, isBackedUp: false,
                attestationObject: [], clientDataJson: [])
            { Name = "Laptop" };
            Assert.True((await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded);
        });

    /// <summary>Every audit record about the user, their sign-ins included, oldest first.</summary>
    public static Task<List<AuditRecord>> AllAuditRecordsAsync(this AuthClientsAppFactory app, string email) =>
        app.WithServicesAsync(async services =>
        {
            var id = await app.UserIdAsync(email);
            return await services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
                .Where(a => a.TargetId == id).OrderBy(a => a.Id).ToListAsync();
        });

    /// <summary>Whether the answer started a session: it sets the session cookie.</summary>
    public static bool StartsASession(HttpResponseMessage response) =>
        HttpAssert.SetCookies(response).Any(c => c.StartsWith("AuthClients.Session=", StringComparison.Ordinal));

    /// <summary>Whether this browser has a session: the profile opens instead of sending it to the sign-in page.</summary>
    public static async Task<bool> IsSignedInAsync(this HttpClient browser)
    {
        var response = await browser.GetAsync("/profile");
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The message next to the code field, or null.</summary>
    public static string? CodeError(string html)
    {
        var match = Regex.Match(html, "data-valmsg-for=\"Code\"[^>]*>([^<]*)</span>");
        return match.Success && match.Groups[1].Value.Length > 0 ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("<code[^>]*data-authenticator-key[^>]*>([A-Z2-7 ]+)</code>")]
    private static partial Regex KeyPattern();
}
