using System.Diagnostics.Metrics;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static AuthClients.Web.Authorization.Permissions.AuthClients;

namespace AuthClients.Tests.Connect;

/// <summary>
/// The API remembers a user's access and their token's authorization for a moment
/// (<see cref="AccessStateCache"/>, OAuthServer:Performance:UserAccessCacheLifetime), so repeated
/// calls with one token read nothing. Every kind of write this instance makes to what those answers
/// depend on (through Identity, OpenIddict, EF Core's change tracker, bulk updates, inside a
/// transaction) must still refuse the very next call; a write from elsewhere, within the lifetime.
/// </summary>
public sealed class UserAccessCacheTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _backChannel = app.CreateClient();

    /// <summary>A change to a user's access or consent, made by this instance; and the answer the API gives after it.</summary>
    public enum Change
    {
        DeactivatedThroughUserManager,
        DeactivatedByBulkUpdate,
        DeletedThroughUserManager,
        DeletedByBulkDelete,
        PermissionRemovedThroughChangeTracker,
        PermissionRemovedByBulkDelete,
        GroupMembershipRemoved,
        GroupPermissionRemoved,
        GroupDeleted,
        SuperAdminRemoved,
        AuthorizationRevokedThroughOpenIddict,
        AuthorizationRevokedByBulkUpdate,
        AuthorizationDeletedByBulkDelete,
        DeactivatedInsideATransaction,
        DeactivatedByRawSql,
    }

    public static TheoryData<Change> Changes() => [.. Enum.GetValues<Change>()];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task AChangeMadeByThisInstance_RefusesTheVeryNextCall_AfterTheAnswerWasRemembered(Change change)
    {
        var (email, token) = await UserWithTokenAsync(change is Change.SuperAdminRemoved);
        for (var call = 0; call < 3; call++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _backChannel.SendAsync(ApiList(token))).StatusCode);
        }

        await MakeAsync(change, email, token);

        var expected = change switch
        {
            Change.PermissionRemovedThroughChangeTracker or Change.PermissionRemovedByBulkDelete or Change.GroupMembershipRemoved
                or Change.GroupPermissionRemoved or Change.GroupDeleted or Change.SuperAdminRemoved => HttpStatusCode.Forbidden,
            _ => HttpStatusCode.Unauthorized,
        };
        Assert.Equal(expected, (await _backChannel.SendAsync(ApiList(token))).StatusCode);
    }

    [Fact]
    public async Task RepeatedCalls_WithOneUsersToken_AreAnsweredFromTheCache()
    {
        // On a stopped clock no remembered answer expires between two calls, however slow the machine.
        await using var stopped = new AuthClientsAppFactory { TestServices = services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow)) };
        var backChannel = stopped.CreateClient();
        var client = await stopped.RegisterClientAsync(clientCredentials: false, authorizationCode: true, scopes: ["auth_clients.read"]);
        var token = await TokenThroughCodeAsync(stopped, backChannel, client, await stopped.CreateUserAsync(permissions: [ViewKey], groupPermissions: [ViewKey]));
        Assert.Equal(HttpStatusCode.OK, (await backChannel.GetMeAsync(token)).StatusCode);
        var factory = stopped.Services.GetRequiredService<IMeterFactory>();
        var hits = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == "authclients.cache.lookups")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var kv = tags.ToArray();
            if (kv.Any(t => t.Key == "cache" && (string?)t.Value == AccessStateCache.MetricName) && kv.Any(t => t.Key == "result" && (string?)t.Value == "hit"))
            {
                Interlocked.Increment(ref hits);
            }
        });
        listener.Start();

        for (var call = 0; call < 5; call++)
        {
            Assert.Equal(HttpStatusCode.OK, (await backChannel.GetMeAsync(token)).StatusCode);
        }

        // Two answers per call (the user, the authorization), each remembered from the first call.
        Assert.Equal(10, hits);
    }

    [Fact]
    public async Task AChangeMadeOutsideThisInstance_IsRefusedOnceTheRememberedAnswerExpires()
    {
        using var shortLived = new AuthClientsAppFactory { Settings = { ["OAuthServer:Performance:UserAccessCacheLifetime"] = "00:00:01" } };
        var backChannel = shortLived.CreateClient();
        var client = await shortLived.RegisterClientAsync(clientCredentials: false, authorizationCode: true, scopes: ["auth_clients.read"]);
        var email = await shortLived.CreateUserAsync(permissions: [ViewKey]);
        var token = await TokenThroughCodeAsync(shortLived, backChannel, client, email);
        Assert.Equal(HttpStatusCode.OK, (await backChannel.GetMeAsync(token)).StatusCode);

        // As another instance would: a context of its own on the same database, not the app's.
        await using (var elsewhere = shortLived.Database.OpenContext())
        {
            Assert.Equal(1, await elsewhere.Users.Where(u => u.Email == email).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        while ((status = (await backChannel.GetMeAsync(token)).StatusCode) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task CodeExchangesAndRefreshes_LeaveRememberedAccessCurrent()
    {
        // They read users and authorizations (one tagged statement, which starts with a comment,
        // not with SELECT) and write only tokens: nothing a remembered answer depends on.
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, scopes: ["auth_clients.read"]);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await app.CreateUserAsync(permissions: [ViewKey]), AuthClientsAppFactory.UserPassword, "openid offline_access auth_clients.read");
        var changes = app.Services.GetRequiredService<AccessChanges>();
        var generation = changes.Generation;

        var tokens = await driver.RedeemAsync(_backChannel, code);
        Assert.False(tokens.IsError, tokens.Raw);
        var refreshToken = tokens.RefreshToken!;
        for (var i = 0; i < 2; i++)
        {
            var renewed = await _backChannel.RequestRefreshAsync(client, refreshToken);
            Assert.False(renewed.IsError, renewed.Raw);
            refreshToken = renewed.RefreshToken!;
        }

        Assert.Equal(generation, changes.Generation);
    }

    private async Task<(string Email, string Token)> UserWithTokenAsync(bool superAdmin)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, scopes: ["auth_clients.read"]);
        var email = superAdmin
            ? await app.CreateUserAsync(superAdmin: true)
            : await app.CreateUserAsync(permissions: [ViewKey], groupPermissions: [ViewKey]);
        return (email, await TokenThroughCodeAsync(app, _backChannel, client, email));
    }

    private static async Task<string> TokenThroughCodeAsync(AuthClientsAppFactory factory, HttpClient backChannel, RegisteredClient client, string email)
    {
        var driver = new AuthorizationCodeDriver(factory.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword, "openid offline_access auth_clients.read");
        var tokens = await driver.RedeemAsync(backChannel, code);
        Assert.False(tokens.IsError, tokens.Raw);
        return tokens.AccessToken!;
    }

    private Task MakeAsync(Change change, string email, string token) => app.WithServicesAsync(async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var user = db.Users.Where(u => u.Email == email);
        var userId = await user.Select(u => u.Id).SingleAsync();
        var authorizationId = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(token).Claims
            .Single(c => c.Type == OpenIddictConstants.Claims.Private.AuthorizationId).Value;
        var authorization = db.Set<AuthClientAuthorization>().Where(a => a.Id == authorizationId);
        switch (change)
        {
            case Change.DeactivatedThroughUserManager:
                var tracked = await users.FindByIdAsync(userId);
                tracked!.IsActive = false;
                Assert.True((await users.UpdateAsync(tracked)).Succeeded);
                break;
            case Change.DeactivatedByBulkUpdate:
                Assert.Equal(1, await user.ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
                break;
            case Change.DeletedThroughUserManager:
                Assert.True((await users.DeleteAsync((await users.FindByIdAsync(userId))!)).Succeeded);
                break;
            case Change.DeletedByBulkDelete:
                await db.Set<AuthClientToken>().Where(t => t.Subject == userId).ExecuteDeleteAsync();
                await db.Set<AuthClientAuthorization>().Where(a => a.Subject == userId).ExecuteDeleteAsync();
                await db.UserPermissions.Where(p => p.UserId == userId).ExecuteDeleteAsync();
                await db.GroupMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync();
                Assert.Equal(1, await user.ExecuteDeleteAsync());
                break;
            case Change.PermissionRemovedThroughChangeTracker:
                db.UserPermissions.RemoveRange(await db.UserPermissions.Where(p => p.UserId == userId).ToListAsync());
                await db.GroupMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync();
                Assert.True(await db.SaveChangesAsync() > 0);
                break;
            case Change.PermissionRemovedByBulkDelete:
                await db.GroupMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync();
                Assert.Equal(1, await db.UserPermissions.Where(p => p.UserId == userId).ExecuteDeleteAsync());
                break;
            case Change.GroupMembershipRemoved:
                await RemoveOwnPermissionsFirstAsync();
                Assert.Equal(1, await db.GroupMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync());
                break;
            case Change.GroupPermissionRemoved:
                await RemoveOwnPermissionsFirstAsync();
                var groupIds = db.GroupMembers.Where(m => m.UserId == userId).Select(m => m.GroupId);
                Assert.Equal(1, await db.GroupPermissions.Where(p => groupIds.Contains(p.GroupId)).ExecuteDeleteAsync());
                break;
            case Change.GroupDeleted:
                await RemoveOwnPermissionsFirstAsync();
                var group = await db.Groups.Include(g => g.Members).Include(g => g.Permissions).SingleAsync(g => g.Members.Any(m => m.UserId == userId));
                db.Groups.Remove(group);
                Assert.True(await db.SaveChangesAsync() > 0);
                break;
            case Change.SuperAdminRemoved:
                Assert.Equal(1, await user.ExecuteUpdateAsync(u => u.SetProperty(x => x.IsSuperAdmin, false)));
                break;
            case Change.AuthorizationRevokedThroughOpenIddict:
                var manager = services.GetRequiredService<IOpenIddictAuthorizationManager>();
                Assert.True(await manager.TryRevokeAsync((await manager.FindByIdAsync(authorizationId))!));
                break;
            case Change.AuthorizationRevokedByBulkUpdate:
                Assert.Equal(1, await authorization.ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, OpenIddictConstants.Statuses.Revoked)));
                break;
            case Change.AuthorizationDeletedByBulkDelete:
                await db.Set<AuthClientToken>().Where(t => t.Authorization!.Id == authorizationId).ExecuteDeleteAsync();
                Assert.Equal(1, await authorization.ExecuteDeleteAsync());
                break;
            case Change.DeactivatedInsideATransaction:
                await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    Assert.Equal(1, await user.ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));

                    // A call in between still sees the committed rows (the user active) and may remember them.
                    Assert.Equal(HttpStatusCode.OK, (await _backChannel.GetMeAsync(token)).StatusCode);
                    await transaction.CommitAsync();
                });
                break;
            case Change.DeactivatedByRawSql:
                Assert.Equal(1, await db.Database.ExecuteSqlAsync($"UPDATE \"AspNetUsers\" SET \"IsActive\" = {false} WHERE \"Id\" = {userId}"));
                break;
        }

        Task RemoveOwnPermissionsFirstAsync() => db.UserPermissions.Where(p => p.UserId == userId).ExecuteDeleteAsync();
    });

    private static HttpRequestMessage ApiList(string token) =>
        new(HttpMethod.Get, "/api/1.0/auth-clients") { Headers = { Authorization = new("Bearer", token) } };
}
