using AuthClients.Web.Connect;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>
/// The steps a person takes through the admin pages, by role and accessible name. Each step
/// waits for the page it leads to, so a test reads as the path through the product.
/// </summary>
public static class AdminPages
{
    public static async Task SignInAsync(this IPage page, string email = AuthClientsAppFactory.AdminEmail, string password = AuthClientsAppFactory.AdminPassword)
    {
        await page.GotoAsync("/");
        await page.SignInHereAsync(email, password);
    }

    /// <summary>Fills and posts the sign-in page the browser is on (such as one an OAuth client sent it to).</summary>
    public static async Task SignInHereAsync(this IPage page, string email = AuthClientsAppFactory.AdminEmail, string password = AuthClientsAppFactory.AdminPassword)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Top menu Admin (the Dashboard), then Auth Clients in the left sidebar.</summary>
    public static async Task OpenAuthClientsAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Auth Clients" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Auth Clients", Exact = true })).ToBeVisibleAsync();
    }

    public static async Task OpenCreateFormAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create Auth Client" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create Auth-Client" })).ToBeVisibleAsync();
    }

    /// <summary>From the list: creates a client with the given grants and returns to the list.</summary>
    public static async Task CreateClientAsync(this IPage page, string name, bool clientCredentials = true, string? redirectUrl = null, bool personalAccessTokens = false)
    {
        await page.OpenCreateFormAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (redirectUrl is not null)
        {
            await page.GetByLabel("Enable Authorization Code Grant").CheckAsync();
            await page.GetByLabel("Redirect URL", new() { Exact = true }).FillAsync(redirectUrl);
        }

        if (clientCredentials)
        {
            await page.GetByLabel("Enable Client Credentials Grant").CheckAsync();
        }

        if (personalAccessTokens)
        {
            await page.GetByLabel("Enable Personal Access Tokens").CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByText("The auth client was created.")).ToBeVisibleAsync();
    }

    /// <summary>The table row that shows the client with this name.</summary>
    public static ILocator ClientRow(this IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true }) });

    /// <summary>Clicks the copy button in <paramref name="row"/> and reads the clipboard.</summary>
    public static async Task<string> CopySecretAsync(this IPage page, ILocator row)
    {
        await row.GetByRole(AriaRole.Button, new() { Name = "Copy Client Secret to Clipboard" }).ClickAsync();
        await Expect(row.GetByText("Copied")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.False(string.IsNullOrWhiteSpace(copied), "The clipboard is empty after Copy Client Secret to Clipboard.");
        return copied;
    }

    public static ILocator DeleteDialog(this IPage page) =>
        page.GetByRole(AriaRole.Dialog, new() { Name = "Caution!" });

    /// <summary>
    /// Waits until <paramref name="dialog"/> has finished fading in (Bootstrap's .fade): checked half-way,
    /// its text is still pale, and colour contrast is judged wrongly.
    /// </summary>
    public static async Task WaitUntilShownAsync(this ILocator dialog)
    {
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToHaveCSSAsync("opacity", "1");
    }

    /// <summary>
    /// Signs in and opens the Activity tab of a client that has had a token (counted and written), and
    /// returns its "Tokens issued per day" chart once drawn.
    /// </summary>
    public static async Task<ILocator> OpenActivityChartOfAUsedClientAsync(this BrowserSession session)
    {
        var created = await session.App.CreateClientAsync(new AuthClientSettings { Name = "Nightly Export", Grants = new(ClientCredentials: true) });
        await session.RequestClientTokenAsync(created.ClientId, created.Secret!);
        Assert.True(await session.App.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());
        await session.Page.SignInAsync();
        await session.Page.GotoAsync($"{Routes.AuthClients}/{created.Id}/activity");
        var chart = session.Page.GetByRole(AriaRole.Img, new() { Name = "Tokens issued per day" });
        await Expect(chart).ToBeVisibleAsync();
        return chart;
    }
}
