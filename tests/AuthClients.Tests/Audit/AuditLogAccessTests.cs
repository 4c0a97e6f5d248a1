using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.Audit.AuditLogPages;

namespace AuthClients.Tests.Audit;

/// <summary>
/// The Audit Log and its export are for holders of View Audit Log (directly or through a group)
/// and Super Admins; anyone else gets 403 and no sidebar entry, a visitor the sign-in page.
/// </summary>
public sealed class AuditLogAccessTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string ViewAuthClients = "view-auth_clients";

    [Fact]
    public async Task WithoutViewAuditLog_PageAndExportAre403_AndTheSidebarHasNoEntry()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: [ViewAuthClients]));

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(Page)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(Export)).StatusCode);
        var clients = await browser.GetDocumentAsync(Routes.AuthClients);
        Assert.Empty(SidebarLinks(clients));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithViewAuditLog_DirectlyOrThroughAGroup_ThePageOpens_AndTheSidebarLinksIt(bool throughGroup)
    {
        var email = throughGroup
            ? await app.CreateUserAsync(permissions: [ViewAuthClients], groupPermissions: [ViewAuditLog])
            : await app.CreateUserAsync(permissions: [ViewAuthClients, ViewAuditLog]);
        var browser = await app.SignedInAsync(email);

        var page = await browser.GetDocumentAsync(Page);

        Assert.Equal("Audit Log", page.QuerySelector("h1")!.Text());
        Assert.Single(SidebarLinks(page));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Export)).StatusCode);
    }

    [Fact]
    public async Task SuperAdmin_OpensThePage()
    {
        var browser = await app.SignedInAsync(await app.CreateUserAsync(superAdmin: true));

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Page)).StatusCode);
    }

    [Fact]
    public async Task Visitor_IsSentToSignIn()
    {
        var response = await app.CreateBrowser().GetAsync(Page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(Routes.SignIn, response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private static IEnumerable<AngleSharp.Dom.IElement> SidebarLinks(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("nav a.nav-link").Where(a => a.GetAttribute("href") == Routes.AuditLog);
}
