using System.Text.Json;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Core;

namespace AuthClients.Tests.Infrastructure;

/// <summary>An auth client as stored, with its secret decrypted the way the copy action does.</summary>
public sealed record StoredClient(string Id, string ClientId, string Name, string Secret, string? ConcurrencyToken, DateTime CreatedAt);

/// <summary>
/// Arranges and inspects the app's data behind the pages: clients created through the app's own
/// service, and access changes written straight to the database as an administrator's change
/// (or another instance) would leave them.
/// </summary>
public static class AppStore
{
    /// <summary>Creates a client (client credentials grant) through <see cref="AuthClientCommands"/>, and reads it back as stored.</summary>
    public static async Task<StoredClient> CreateStoredClientAsync(this AuthClientsAppFactory app, string? name = null)
    {
        var created = await app.CreateClientAsync(new AuthClientSettings { Name = name ?? $"Client {Guid.NewGuid():N}", Grants = new(ClientCredentials: true) });
        return await app.FindStoredClientAsync(created.Id) ?? throw new InvalidOperationException($"The client {created.Id} was not stored.");
    }

    /// <summary>
    /// Puts a client in place quickly, for tests about what the list shows rather than about
    /// creating: client credentials, or the authorization code grant when it has redirect URIs.
    /// </summary>
    public static Task SeedClientAsync(this AuthClientsAppFactory app, string name, string? redirectUris = null) =>
        app.CreateClientAsync(new AuthClientSettings
        {
            Name = name,
            Grants = new(AuthorizationCode: redirectUris is not null, ClientCredentials: redirectUris is null),
            RedirectUris = RedirectUriRules.Split(redirectUris),
        });

    /// <returns>null when no client has this id.</returns>
    public static Task<StoredClient?> FindStoredClientAsync(this AuthClientsAppFactory app, string id) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var row = await db.AuthClients.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id);
            if (row is null)
            {
                return null;
            }

            // The newest secret that has not been revoked: what the copy button hands out.
            var protectedSecret = (await db.AuthClientCredentials.AsNoTracking()
                    .Where(c => c.ApplicationId == id && c.Kind == CredentialKind.Secret && c.RevokedAt == null).ToListAsync())
                .OrderByDescending(c => c.CreatedAt).Select(c => c.ProtectedSecret).FirstOrDefault();
            var secret = protectedSecret is null ? "" : services.GetRequiredService<ClientSecrets>().Unprotect(protectedSecret);
            return new StoredClient(row.Id!, row.ClientId!, row.DisplayName!, secret, row.ConcurrencyToken, row.CreatedAt);
        });

    public static Task<StoredClient?> FindStoredClientByNameAsync(this AuthClientsAppFactory app, string name) =>
        app.WithServicesAsync(async services =>
        {
            var normalized = name.ToUpperInvariant();
            var id = await services.GetRequiredService<AppDbContext>().AuthClients.AsNoTracking()
                .Where(a => a.NormalizedName == normalized).Select(a => a.Id).SingleOrDefaultAsync();
            return id is null ? null : await app.FindStoredClientAsync(id);
        });

    /// <summary>Whether OpenIddict, which the token endpoint asks, accepts this secret for the client.</summary>
    public static Task<bool> SecretIsAcceptedAsync(this AuthClientsAppFactory app, string id, string secret) =>
        app.WithServicesAsync(async services =>
        {
            var manager = services.GetRequiredService<OpenIddictApplicationManager<AuthClientApplication>>();
            var application = await manager.FindByIdAsync(id);
            return application is not null && await manager.ValidateClientSecretAsync(application, secret);
        });

    /// <summary>
    /// Every stored fact a refused request could have changed: each client (name, secret, version)
    /// and the number of audit records of changes (sign-ins left out). Equal snapshots mean nothing changed.
    /// </summary>
    public static Task<string> SnapshotAsync(this AuthClientsAppFactory app) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var clients = await db.AuthClients.AsNoTracking()
                .OrderBy(a => a.Number)
                .Select(a => new { a.Id, a.ClientId, a.DisplayName, a.RedirectUris, a.Permissions, a.ClientSecret, a.IsEnabled, a.Settings, a.ConcurrencyToken })
                .ToListAsync();
            var credentials = await db.AuthClientCredentials.AsNoTracking()
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.ApplicationId, c.SecretVerifier, c.PublicKey, c.ExpiresAt, c.RevokedAt })
                .ToListAsync();
            // Changes only: signing in (as a test does to get another user's token) is audited too.
            var audits = await db.AuditRecords.CountAsync(r => r.Action != SignInAudit.Succeeded && r.Action != SignInAudit.Failed);
            return JsonSerializer.Serialize(new { clients, credentials, audits });
        });

    /// <summary>
    /// The same for people: each user (version, failed sign-ins, lockout, permissions) and group
    /// (version, members, permissions).
    /// </summary>
    public static Task<string> UsersAndGroupsSnapshotAsync(this AuthClientsAppFactory app) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var users = await db.Users.AsNoTracking()
                .OrderBy(u => u.Id)
                .Select(u => new { u.Id, u.ConcurrencyStamp, u.SecurityStamp, u.AccessFailedCount, u.LockoutEnd, Permissions = db.UserPermissions.Count(p => p.UserId == u.Id) })
                .ToListAsync();
            var groups = await db.Groups.AsNoTracking()
                .OrderBy(g => g.Id)
                .Select(g => new { g.Id, g.ConcurrencyStamp, Members = g.Members.Count, Permissions = g.Permissions.Count })
                .ToListAsync();
            return JsonSerializer.Serialize(new { users, groups });
        });

    /// <summary>Deletes a permission the user holds directly, as removing it on the Users page would.</summary>
    public static Task RevokeUserPermissionAsync(this AuthClientsAppFactory app, string email, string permission) =>
        app.WithDatabaseAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var removed = await db.UserPermissions.Where(p => p.UserId == userId && p.Permission == permission).ExecuteDeleteAsync();
            Assert.Equal(1, removed);
        });

    public static Task GrantUserPermissionAsync(this AuthClientsAppFactory app, string email, string permission) =>
        app.WithDatabaseAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            db.UserPermissions.Add(new UserPermission { UserId = userId, Permission = permission });
            await db.SaveChangesAsync();
        });

    /// <summary>Takes the user out of every group they belong to.</summary>
    public static Task RemoveFromGroupsAsync(this AuthClientsAppFactory app, string email) =>
        app.WithDatabaseAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var removed = await db.GroupMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync();
            Assert.True(removed > 0, $"{email} was in no group.");
        });

    public static Task SetActiveAsync(this AuthClientsAppFactory app, string email, bool active) =>
        app.WithDatabaseAsync(db => db.Users.Where(u => u.Email == email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, active)));

    public static Task SetSuperAdminAsync(this AuthClientsAppFactory app, string email, bool superAdmin) =>
        app.WithDatabaseAsync(db => db.Users.Where(u => u.Email == email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsSuperAdmin, superAdmin)));

    private static Task WithDatabaseAsync(this AuthClientsAppFactory app, Func<AppDbContext, Task> action) =>
        app.WithServicesAsync(services => action(services.GetRequiredService<AppDbContext>()));
}
