using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Security;

/// <summary>Every create, edit, delete, secret copy and regeneration leaves a record of who did it, when, from where, to which client.</summary>
public sealed class AuditTrailTests : IDisposable
{
    /// <summary>A documentation address (RFC 5737): the test server has no network connection to take one from.</summary>
    private static readonly IPAddress ClientAddress = IPAddress.Parse("203.0.113.7");

    private readonly AuthClientsAppFactory _app = new() { TestServices = s => s.AddTransient<IStartupFilter, FromClientAddress>() };

    [Fact]
    public async Task EveryAction_WritesAnAuditRecordNamingActorClientAndChanges()
    {
        var email = await _app.CreateUserAsync(superAdmin: true);
        var browser = _app.CreateBrowser();
        await browser.SignInAsAsync(email);
        var name = $"Audited {Guid.NewGuid():N}";
        var since = DateTime.UtcNow.AddSeconds(-1);
        var id = await browser.CreateClientAsync(name);
        var clientId = (await _app.FindStoredClientAsync(id))!.ClientId;
        await browser.CopySecretAsync(id);
        await browser.PostFormAsync(ByName[EditPage].PathFor(id), ByName[RegenerateSecret].PathFor(id), []);
        var stored = await _app.FindStoredClientAsync(id);
        await browser.PostFormAsync(ByName[EditPage].PathFor(id), ByName[Edit].PathFor(id),
            AuthClientPages.Form(name + " renamed", concurrencyToken: stored!.ConcurrencyToken));
        await browser.PostFormAsync(AuthClientPages.List, ByName[Delete].PathFor(id), []);

        var records = await _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuditRecords
            .AsNoTracking().Where(r => r.TargetId == clientId).OrderBy(r => r.Id).ToListAsync());

        Assert.Equal(
            [AuditActions.AuthClientCreated, AuditActions.AuthClientSecretCopied, AuditActions.AuthClientSecretRegenerated, AuditActions.AuthClientUpdated, AuditActions.AuthClientDeleted],
            records.Select(r => r.Action));
        var userId = await _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Users
            .Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        Assert.All(records, record =>
        {
            Assert.Equal(userId, record.ActorId);
            Assert.Equal(email, record.ActorName);
            Assert.Equal(ClientAddress.ToString(), record.IpAddress);
            Assert.InRange(record.OccurredAt, since, DateTime.UtcNow.AddSeconds(1));
        });
        var update = records.Single(r => r.Action == AuditActions.AuthClientUpdated);
        Assert.Contains("renamed", update.Changes, StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();

    /// <summary>Gives each request the remote address a real connection would have.</summary>
    private sealed class FromClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, rest) =>
            {
                context.Connection.RemoteIpAddress = ClientAddress;
                return rest(context);
            });
            next(app);
        };
    }
}
