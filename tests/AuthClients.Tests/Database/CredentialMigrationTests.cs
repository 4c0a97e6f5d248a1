using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Database;

/// <summary>
/// Upgrading to several credentials per client: each client's one secret becomes its first
/// credential, so every program keeps its secret, the copy button keeps working, and (on SQLite,
/// where the migration drops a column) the list's search still finds the client.
/// </summary>
public sealed class CredentialMigrationTests : IDisposable
{
    private const string MigrationBefore = "GroupConcurrencyStamp";

    private static readonly DateTime RegeneratedAt = new(2026, 11, 1, 9, 30, 0, DateTimeKind.Utc);

    private readonly TestDatabase _database = TestDatabase.Create();

    [Fact]
    public async Task ClientFromBeforeTheUpgrade_KeepsItsSecret_ItsCopy_AndIsStillFound()
    {
        // The client as the previous version left it: the secret's verifier and its encrypted copy on the client's row.
        RegisteredClient client;
        await using (var context = _database.OpenContext())
        {
            var migrator = context.GetService<IMigrator>();
            var before = context.Database.GetMigrations().Single(m => m.EndsWith("_" + MigrationBefore, StringComparison.Ordinal));
            await migrator.MigrateAsync(before);
        }

        using (var app = new AuthClientsAppFactory
        {
            Database = _database,
            // Not migrated further; OpenIddict's own PBKDF2 verifiers, which need no server key.
            Settings = { ["Database:MigrateOnStartup"] = "false", ["OAuthServer:Performance:Baseline"] = "true" },
        })
        {
            client = await InsertAsBeforeAsync(app);
        }

        using var upgraded = new AuthClientsAppFactory { Database = _database };
        var http = upgraded.CreateClient();

        Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        Assert.Equal(client.Secret, (await upgraded.FindStoredClientAsync(client.Id))!.Secret);
        var credential = await upgraded.WithServicesAsync(services =>
            services.GetRequiredService<Web.Data.AppDbContext>().AuthClientCredentials.AsNoTracking().SingleAsync(c => c.ApplicationId == client.Id));
        Assert.Equal((CredentialKind.Secret, "Secret", null), (credential.Kind, credential.Label, credential.RevokedAt));

        // Its last regeneration (audited before the upgrade) is when and by whom the secret was made.
        Assert.Equal(("Regenerating Admin", RegeneratedAt), (credential.CreatedByName, DateTime.SpecifyKind(credential.CreatedAt, DateTimeKind.Utc)));

        var browser = await upgraded.SignedInAsAdminAsync();
        var list = await browser.GetStringAsync("/admin/auth-clients?search=before-upgrade");
        Assert.Contains(client.ClientId, list, StringComparison.Ordinal);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>Writes a client with the previous version's columns, with a verifier and copy made by the app's own services.</summary>
    private static Task<RegisteredClient> InsertAsBeforeAsync(AuthClientsAppFactory app) =>
        app.WithServicesAsync(async services =>
        {
            var secret = Web.Features.AuthClients.ClientSecrets.Generate();
            var manager = (AuthClientApplicationManager)services.GetRequiredService<OpenIddict.Core.OpenIddictApplicationManager<AuthClientApplication>>();
            var verifier = await manager.HashSecretAsync(secret);
            var copy = services.GetRequiredService<Web.Features.AuthClients.ClientSecrets>().Protect(secret);
            var id = Guid.NewGuid().ToString();
            var db = services.GetRequiredService<Web.Data.AppDbContext>();
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "ClientNumbers" ("AllocatedAt") VALUES ({0})""", DateTime.UtcNow);
            var number = await db.ClientNumbers.MaxAsync(n => n.Number);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "OpenIddictApplications" ("Id", "Number", "NormalizedName", "SearchText", "CreatedAt", "ClientId", "ClientSecret", "ProtectedSecret",
                    "ClientType", "ConcurrencyToken", "ConsentType", "DisplayName", "Permissions", "RedirectUris", "PostLogoutRedirectUris", "Requirements")
                VALUES ({0}, {1}, 'BEFORE-UPGRADE', 'BEFORE-UPGRADE', {2}, {3}, {4}, {5}, 'confidential', {6}, 'explicit', 'before-upgrade',
                    '["ept:token","gt:client_credentials"]', '[]', '[]', '[]')
                """,
                id, number, DateTime.UtcNow, number.ToString(System.Globalization.CultureInfo.InvariantCulture), verifier, copy, Guid.NewGuid().ToString());
            var clientId = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AuditRecords" ("OccurredAt", "ActorId", "ActorName", "Action", "TargetType", "TargetId")
                VALUES ({0}, NULL, 'Regenerating Admin', 'auth-client.secret-regenerated', 'auth-client', {1})
                """,
                RegeneratedAt, clientId);
            return new RegisteredClient(id, clientId, secret);
        });
}
