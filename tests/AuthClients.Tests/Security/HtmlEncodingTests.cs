using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Security;

/// <summary>Text a user typed is shown as text on every page it appears on, never run as markup.</summary>
public sealed class HtmlEncodingTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("\"><img src=x onerror=alert(1)>")]
    [InlineData("' onmouseover='alert(1)")]
    public async Task ClientName_WithMarkup_IsEncodedOnEveryPage(string markup)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"{markup} {Guid.NewGuid():N}";
        var id = await browser.CreateClientAsync(name);

        var pages = new[]
        {
            await browser.GetStringAsync(AuthClientPages.List),
            await browser.GetStringAsync($"{AuthClientPages.List}?search={Uri.EscapeDataString(markup)}"),
            await browser.GetStringAsync(ByName[EditPage].PathFor(id)),
        };

        Assert.All(pages, html =>
        {
            Assert.DoesNotContain(markup, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        });
        // The name is still shown, as text.
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(name), pages[0], StringComparison.Ordinal);
    }
}
