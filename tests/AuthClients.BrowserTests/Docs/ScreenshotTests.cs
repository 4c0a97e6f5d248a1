using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Connect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Docs;

/// <summary>
/// Pictures of the admin pages for the docs. They go to the test's output folder, or to
/// the folder named by AUTHCLIENTS_SCREENSHOTS_DIR (relative to the repository root), so that a
/// normal test run never rewrites committed files. To refresh docs/screenshots:
/// <c>AUTHCLIENTS_SCREENSHOTS_DIR=docs/screenshots dotnet test tests/AuthClients.BrowserTests --filter Screenshots</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Screenshots_OfListCreateFormDeleteDialogAndCredentials_AreSaved()
    {
        var folder = ScreenshotFolder();
        await SignInWithSampleClientsAsync();

        await Page.OpenCreateFormAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Mobile App");
        await Page.GetByLabel("Enable Authorization Code Grant").CheckAsync();
        await Page.GetByLabel("Redirect URL", new() { Exact = true }).FillAsync("https://mobile.example.com/callback");
        var createForm = await SaveAsync(folder, "auth-client-create.png");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Page.ClientRow("Reporting CLI")).ToBeVisibleAsync();
        var list = await SaveAsync(folder, "auth-clients-list.png");

        await Page.ClientRow("Reporting CLI").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.DeleteDialog()).ToBeFocusedAsync();
        var dialog = await SaveAsync(folder, "auth-client-delete-dialog.png");

        await Page.Keyboard.PressAsync("Escape");
        await Page.ClientRow("Billing Service").GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        var rotate = Page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate secret" });
        await rotate.GetByLabel("Label (optional)").FillAsync("Production 2026-12");
        await rotate.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await Expect(Page.Locator("table.credentials tbody tr")).ToHaveCountAsync(2);
        await Page.Locator("#credentials").ScrollIntoViewIfNeededAsync();
        var credentials = await SaveAsync(folder, "auth-client-credentials.png", Page.Locator("#credentials"));

        await AssertArePicturesAsync(new[] { createForm, list, dialog, credentials });
    }

    [Fact]
    public async Task Screenshots_OfActivityTabDashboardAndAuditLog_AreSaved()
    {
        var folder = ScreenshotFolder();
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync("Nightly Export");
        await Page.CreateClientAsync("Partner Gateway");
        var row = Page.ClientRow("Nightly Export");
        var clientId = (await row.GetByRole(AriaRole.Cell).First.TextContentAsync())!.Trim();
        var secret = await Page.CopySecretAsync(row);
        foreach (var attempt in Enumerable.Range(0, 12))
        {
            await Session.RequestClientTokenAsync(clientId, attempt % 4 == 3 ? "an-old-secret" : secret);
        }

        Assert.True(await Session.App.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());
        await Page.OpenAuthClientsAsync();
        await Page.ClientRow("Nightly Export").GetByRole(AriaRole.Button, new() { Name = "Activity" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Tokens issued per day" })).ToBeVisibleAsync();
        var activity = await SaveAsync(folder, "auth-client-activity.png");

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Recent changes" })).ToBeVisibleAsync();
        var dashboard = await SaveAsync(folder, "dashboard.png");

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Audit Log" }).ClickAsync();
        await Expect(Page.Locator("table.audit-log tbody tr").First).ToBeVisibleAsync();
        var auditLog = await SaveAsync(folder, "audit-log.png");

        await AssertArePicturesAsync(new[] { activity, dashboard, auditLog });
    }

    [Fact]
    public async Task Screenshots_InDarkModeAndOnAPhone_AreSaved()
    {
        var folder = ScreenshotFolder();
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await SignInWithSampleClientsAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "dark");
        var pictures = new List<string> { await SaveAsync(folder, "auth-clients-list-dark.png") };

        await Page.ClientRow("Reporting CLI").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Page.DeleteDialog().WaitUntilShownAsync();
        pictures.Add(await SaveAsync(folder, "auth-client-delete-dialog-dark.png"));
        await Page.Keyboard.PressAsync("Escape");
        await Expect(Page.DeleteDialog()).ToBeHiddenAsync();

        await Page.ClientRow("Billing Service").GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Edit Auth Client" })).ToBeVisibleAsync();
        pictures.Add(await SaveAsync(folder, "auth-client-edit-dark.png"));

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Recent changes" })).ToBeVisibleAsync();
        pictures.Add(await SaveAsync(folder, "dashboard-dark.png"));

        // A phone, in the light: the list as cards, then the folded top bar opened.
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Page.SetViewportSizeAsync(375, 812);
        await Page.GotoAsync("/admin/auth-clients");
        await Expect(Page.ClientRow("Billing Service")).ToBeVisibleAsync();
        pictures.Add(await SaveAsync(folder, "auth-clients-list-375.png", fullPage: true));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Menu", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Admin menu" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        pictures.Add(await SaveAsync(folder, "menus-375.png"));
        await Page.GotoAsync("/admin/auth-clients/create");
        pictures.Add(await SaveAsync(folder, "auth-client-create-375.png", fullPage: true));
        await Page.GotoAsync("/admin");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Recent changes" })).ToBeVisibleAsync();
        pictures.Add(await SaveAsync(folder, "dashboard-375.png", fullPage: true));

        await AssertArePicturesAsync(pictures);
    }

    /// <summary>Signs in and creates the three clients the list pictures show, ending on the list.</summary>
    private async Task SignInWithSampleClientsAsync()
    {
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync("Billing Service");
        await Page.CreateClientAsync("Customer Portal", clientCredentials: false,
            redirectUrl: "https://portal.example.com/signin-oidc\nhttps://portal.example.com/silent-renew");
        await Page.CreateClientAsync("Reporting CLI", redirectUrl: "http://127.0.0.1:7890/callback");
    }

    private static async Task AssertArePicturesAsync(IEnumerable<string> pictures)
    {
        foreach (var picture in pictures)
        {
            var bytes = await File.ReadAllBytesAsync(picture);
            Assert.True(bytes.AsSpan().StartsWith(PngSignature), $"{picture} is not a PNG image.");
            Assert.True(bytes.Length > 10_000, $"{picture} is suspiciously small ({bytes.Length} bytes): is the page blank?");
        }
    }

    private async Task<string> SaveAsync(string folder, string fileName, ILocator? part = null, bool fullPage = false)
    {
        var path = Path.Combine(folder, fileName);
        if (part is null)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled, FullPage = fullPage });
        }
        else
        {
            await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
        }

        return path;
    }

    private static string ScreenshotFolder()
    {
        var configured = Environment.GetEnvironmentVariable("AUTHCLIENTS_SCREENSHOTS_DIR");
        var folder = string.IsNullOrEmpty(configured)
            ? Path.Combine(AppContext.BaseDirectory, "screenshots")
            : Path.GetFullPath(configured, Repository.Root());
        Directory.CreateDirectory(folder);
        return folder;
    }
}
