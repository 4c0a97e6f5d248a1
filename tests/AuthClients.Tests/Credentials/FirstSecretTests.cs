using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Credentials;

/// <summary>The create page gives the first secret a label and, if asked, an expiry date.</summary>
public sealed class FirstSecretTests : IClassFixture<AuthClientsAppFactory>
{
    private readonly AuthClientsAppFactory _app;

    public FirstSecretTests(AuthClientsAppFactory app) => _app = app;

    [Fact]
    public async Task Create_WithALabelAndAnExpiryDate_TheFirstSecretHasThem()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = $"first-secret-{Guid.NewGuid():N}";
        var date = DateTime.UtcNow.Date.AddDays(40);

        var response = await browser.CreateAsync(AuthClientPages.Form(name)
            .Append(new("Form.SecretLabel", "Production"))
            .Append(new("Form.SecretExpiresAt", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = await browser.FindIdAsync(name);
        var credential = await _app.WithServicesAsync(services =>
            services.GetRequiredService<AppDbContext>().AuthClientCredentials.AsNoTracking().SingleAsync(c => c.ApplicationId == id));
        Assert.Equal(("Production", date), (credential.Label, credential.ExpiresAt!.Value));
    }

    [Fact]
    public async Task Create_WithAnExpiryDateInThePast_IsRefusedNextToTheField_AndKeepsWhatWasTyped()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var name = $"past-secret-{Guid.NewGuid():N}";

        var response = await browser.CreateAsync(AuthClientPages.Form(name)
            .Append(new("Form.SecretLabel", "Too late"))
            .Append(new("Form.SecretExpiresAt", DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadDocumentAsync();
        Assert.Equal("The expiry must be in the future.", page.QuerySelector("[data-valmsg-for='Form.SecretExpiresAt']")?.TextContent.Trim());
        Assert.Equal(name, ((IHtmlInputElement)page.QuerySelector("#Form_Name")!).Value);
        Assert.Equal("Too late", ((IHtmlInputElement)page.QuerySelector("#Form_SecretLabel")!).Value);
        Assert.DoesNotContain(name, await browser.GetStringAsync(AuthClientPages.List), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditPage_HasNoFirstSecretFields()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync($"edit-{Guid.NewGuid():N}");

        var page = await browser.GetDocumentAsync(AuthClientPages.EditPage(id));

        Assert.Null(page.QuerySelector("#Form_SecretExpiresAt"));
        Assert.NotNull((await browser.GetDocumentAsync(AuthClientPages.CreatePage)).QuerySelector("#Form_SecretExpiresAt"));
    }
}
