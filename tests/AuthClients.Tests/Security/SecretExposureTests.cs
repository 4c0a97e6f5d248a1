using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Security;

/// <summary>
/// A client secret leaves the server only in the copy action's response: never in a page, a log
/// line (at any level, Trace included) or an audit record.
/// </summary>
public sealed class SecretExposureTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task ClientLifeCycle_NeverWritesASecretToTheLogPagesOrAuditTrail()
    {
        var browser = app.CreateBrowser();
        await browser.SignInAsAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var name = $"Canary {Guid.NewGuid():N}";
        var id = await browser.CreateClientAsync(name);
        var first = await browser.CopySecretAsync(id);
        var pages = new List<string>
        {
            await browser.GetStringAsync(AuthClientPages.List),
            await browser.GetStringAsync(ByName[EditPage].PathFor(id)),
        };

        var regenerate = await browser.PostFormAsync(ByName[EditPage].PathFor(id), ByName[RegenerateSecret].PathFor(id), []);
        Assert.Equal(ByName[EditPage].PathFor(id), HttpAssert.RedirectTarget(regenerate));
        pages.Add(await browser.GetStringAsync(ByName[EditPage].PathFor(id)));
        var second = await browser.CopySecretAsync(id);
        var stored = await app.FindStoredClientAsync(id);
        var edit = await browser.PostFormAsync(ByName[EditPage].PathFor(id), ByName[Edit].PathFor(id),
            AuthClientPages.Form(name + " renamed", concurrencyToken: stored!.ConcurrencyToken));
        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(edit));
        var delete = await browser.PostFormAsync(AuthClientPages.List, ByName[Delete].PathFor(id), []);
        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(delete));
        pages.Add(await browser.GetStringAsync(AuthClientPages.List));

        Assert.NotEqual(first, second);
        var audit = await AuditJsonAsync();
        foreach (var secret in new[] { first, second })
        {
            Assert.DoesNotContain(app.LogLines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.All(pages, page => Assert.DoesNotContain(secret, page, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CopySecret_RefusedForLackOfPermission_WritesNoAuditRecordAndRevealsNothing()
    {
        var target = await app.CreateStoredClientAsync();
        var browser = app.CreateBrowser();
        await browser.SignInAsAsync(await app.CreateUserAsync());
        var before = await app.CountAuditRecordsAsync(AuditActions.AuthClientSecretCopied);

        var response = await browser.SendAsync(CopySecret, target, "");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(target.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.CountAuditRecordsAsync(AuditActions.AuthClientSecretCopied));
    }

    private Task<string> AuditJsonAsync() =>
        app.WithServicesAsync(async services => System.Text.Json.JsonSerializer.Serialize(
            await services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking().ToListAsync()));
}
