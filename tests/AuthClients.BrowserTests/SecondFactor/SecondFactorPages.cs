using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.SecondFactor;

/// <summary>The second-factor steps a person takes in the browser.</summary>
public static class SecondFactorPages
{
    /// <summary>
    /// A platform authenticator with a resident key and user verification, that answers every
    /// WebAuthn request of this page at once, as a fingerprint reader would.
    /// </summary>
    public static async Task AddVirtualAuthenticatorAsync(this IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
    }

    /// <summary>The Profile button, then the Sign-in security tab.</summary>
    public static async Task OpenSignInSecurityAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Profile", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign-in security" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Passkeys" })).ToBeVisibleAsync();
    }

    /// <summary>A code an authenticator app would show for the key the page shows as text, not given before (the server takes each once).</summary>
    public static string CodeFor(string shownKey) => AuthenticatorCodes.Next(shownKey);
}
