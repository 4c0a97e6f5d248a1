using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.ApiTokens;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Security;

/// <summary>
/// The audit trail names the real actor of every write, whatever the credential (checklist 46):
/// the person for a page session, a personal access token or a person's OAuth token (by their
/// id, with the client they used), and a client acting as itself by its Client ID, never by its
/// display name (anyone with Edit can rename a client).
/// </summary>
public sealed class AuditActorTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private static readonly string[] Writer = [Permissions.AuthClients.ViewKey, Permissions.AuthClients.CreateKey];

    [Fact]
    public async Task PageSession_IsThePerson()
    {
        var email = await app.CreateUserAsync(permissions: Writer);
        var browser = await app.SignedInAsync(email);
        var name = $"by-page-{Guid.NewGuid():N}";

        Assert.Equal(HttpStatusCode.Redirect, (await browser.CreateAsync(AuthClientPages.Form(name))).StatusCode);

        var (record, createdById) = await CreationOfAsync(name);
        var userId = await UserIdAsync(email);
        Assert.Equal(userId, record.ActorId);
        Assert.Equal(email, record.ActorName);
        Assert.Equal(userId, createdById);
    }

    [Fact]
    public async Task PersonalAccessToken_IsThePersonWhoOwnsIt()
    {
        var email = await app.CreateUserAsync(permissions: Writer);
        await app.RegisterClientAsync(clientCredentials: false, personalAccessTokens: true, name: "Personal Access Tokens");
        var userId = await UserIdAsync(email);
        var token = await app.WithServicesAsync(services =>
            services.GetRequiredService<ApiTokenService>().CreateAsync(userId, new ApiTokenForm { Name = "audit", ExpiresInDays = 7 }));
        Assert.NotNull(token);

        await AssertApiCreationByPersonAsync(token, email);
    }

    [Fact]
    public async Task PersonsOAuthToken_IsThePersonBySub_WithTheClientTheyUsed()
    {
        var email = await app.CreateUserAsync(permissions: Writer);
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read", "auth_clients.write"]);
        var token = await app.CreateClient().RequestPasswordTokenAsync(client, email, AuthClientsAppFactory.UserPassword, "auth_clients.read auth_clients.write");
        Assert.False(token.IsError, token.Raw);

        var record = await AssertApiCreationByPersonAsync(token.AccessToken!, email);
        Assert.Contains($"client {client.ClientId}", record.ActorName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientToken_IsTheClientByItsClientId_NotItsDisplayName()
    {
        var http = app.CreateClient();
        var actor = await app.RegisterClientAsync(scopes: ["auth_clients.read", "auth_clients.write"], name: "Admin Console (trust me)");
        var token = await http.RequestClientCredentialsTokenAsync(actor, "auth_clients.read auth_clients.write");
        var name = $"by-client-{Guid.NewGuid():N}";

        var created = await http.SendBearerAsync(HttpMethod.Post, "/api/1.0/auth-clients", token, new { name, grant_types = new[] { "client_credentials" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (record, createdById) = await CreationOfAsync(name);
        Assert.Equal(AuditService.ClientActorPrefix + actor.ClientId, record.ActorId);
        Assert.Equal($"client {actor.ClientId}", record.ActorName);
        Assert.DoesNotContain("trust me", record.ActorName, StringComparison.Ordinal);
        Assert.Null(createdById);
    }

    private async Task<AuditRecord> AssertApiCreationByPersonAsync(string token, string email)
    {
        var name = $"by-token-{Guid.NewGuid():N}";
        var created = await app.CreateClient().SendBearerAsync(HttpMethod.Post, "/api/1.0/auth-clients", token, new { name, grant_types = new[] { "client_credentials" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var (record, createdById) = await CreationOfAsync(name);
        var userId = await UserIdAsync(email);
        Assert.Equal(userId, record.ActorId);
        Assert.StartsWith(email, record.ActorName, StringComparison.Ordinal);
        Assert.Equal(userId, createdById);
        return record;
    }

    private Task<string> UserIdAsync(string email) =>
        app.WithServicesAsync(async services => (await services.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id);

    /// <summary>The audit record of the client's creation, and who the client says created it.</summary>
    private Task<(AuditRecord Record, string? CreatedById)> CreationOfAsync(string name) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var client = await db.AuthClients.AsNoTracking().SingleAsync(c => c.DisplayName == name);
            var record = await db.AuditRecords.AsNoTracking().SingleAsync(r => r.TargetId == client.ClientId && r.Action == AuditActions.AuthClientCreated);
            return (record, client.CreatedById);
        });
}
