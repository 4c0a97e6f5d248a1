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

    /// <summary>A code an authenticator app holding <paramref name="key"/> shows, not given before (<see cref="AuthenticatorCodes.Next"/>).</summary>
    public static string CodeFor(string key) => AuthenticatorCodes.Next(key);

    /// <summary>Six-digit codes wrong for <paramref name="key"/> at any step the server accepts now.</summary>
    public static IReadOnlyList<string> WrongCodesFor(string key, int count, int seed) => AuthenticatorCodes.WrongFor(key, count, seed);

    /// <summary>
    /// Sets up the authenticator from the tab, as a person would, confirming with <paramref name="code"/>
    /// of the shown key (by default a code not used before); returns the key and the recovery codes shown.
    /// </summary>
    public static async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> SetUpAuthenticatorAsync(this HttpClient browser, Func<string, string>? code = null)
    {
        var key = await browser.ShownKeyAsync();
        var response = await browser.PostFormAsync(SecurityTab, $"{SecurityTab}/authenticator", [new("Code", (code ?? CodeFor)(key))]);
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

    /// <summary>A new browser that typed the user's password and was sent to the code step.</summary>
    public static async Task<HttpClient> AtTheCodeStepAsync(this AuthClientsAppFactory app, string email)
    {
        var browser = app.CreateBrowser();
        Assert.Equal(TwoFactor, (await browser.PasswordStepAsync(email)).Headers.Location?.OriginalString);
        return browser;
    }

    public static Task<HttpResponseMessage> CodeStepAsync(this HttpClient browser, string code, bool rememberBrowser = false) =>
        browser.PostFormAsync(TwoFactor, TwoFactor, rememberBrowser ? [new("Code", code), new("RememberBrowser", "true")] : [new("Code", code)]);

    public static Task<HttpResponseMessage> RecoveryStepAsync(this HttpClient browser, string code) =>
        browser.PostFormAsync(RecoveryCode, RecoveryCode, [new("Code", code)]);

    /// <summary>Whether the password and then the one-time <paramref name="code"/> sign in a new browser.</summary>
    public static Task<bool> SignsInWithCodeAsync(this AuthClientsAppFactory app, string email, string code) =>
        SignsInAsync(app, email, browser => browser.CodeStepAsync(code));

    /// <summary>Whether the password and then the recovery <paramref name="code"/> sign in a new browser.</summary>
    public static Task<bool> SignsInWithRecoveryCodeAsync(this AuthClientsAppFactory app, string email, string code) =>
        SignsInAsync(app, email, browser => browser.RecoveryStepAsync(code));

    private static async Task<bool> SignsInAsync(AuthClientsAppFactory app, string email, Func<HttpClient, Task<HttpResponseMessage>> secondStep)
    {
        var browser = app.CreateBrowser();
        await browser.PasswordStepAsync(email);
        return (await secondStep(browser)).StatusCode == HttpStatusCode.Redirect && await browser.IsSignedInAsync();
    }

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
