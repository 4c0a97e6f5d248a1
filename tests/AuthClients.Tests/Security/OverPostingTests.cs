using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data.Entities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Core;
using static AuthClients.Tests.Authorization.AuthClientActions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Tests.Security;

/// <summary>Fields the form does not offer (id, client id, secret, dates, permissions) are ignored when posted.</summary>
public sealed class OverPostingTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string PostedSecret = "posted-secret-chosen-by-the-attacker-0123456789";
    private const string PostedDate = "2001-01-01T00:00:00Z";
    private const string PostedClientId = "999999";

    /// <summary>Every name an extra field could bind to, at the top level and inside the form.</summary>
    private static IEnumerable<KeyValuePair<string, string>> ExtraFields(string postedId)
    {
        var values = new Dictionary<string, string>
        {
            ["Id"] = postedId,
            ["Number"] = PostedClientId,
            ["ClientId"] = PostedClientId,
            ["Secret"] = PostedSecret,
            ["ClientSecret"] = PostedSecret,
            ["ProtectedSecret"] = PostedSecret,
            ["CreatedAt"] = PostedDate,
            ["CreatedById"] = "someone-else",
            ["ClientType"] = ClientTypes.Public,
            ["Permissions"] = Permissions.GrantTypes.Password,
            ["Requirements"] = "",
        };
        foreach (var (name, value) in values)
        {
            yield return new(name, value);
            yield return new($"Form.{name}", value);
        }
    }

    [Fact]
    public async Task Create_WithExtraFields_IgnoresThem()
    {
        var browser = await app.SignedInAsAdminAsync();
        var previous = await app.CreateStoredClientAsync();
        var postedId = Guid.NewGuid().ToString();
        var name = $"Over-posted {Guid.NewGuid():N}";

        var response = await browser.CreateAsync(AuthClientPages.Form(name).Concat(ExtraFields(postedId)));

        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
        var created = await app.FindStoredClientByNameAsync(name);
        Assert.NotNull(created);
        Assert.NotEqual(postedId, created.Id);
        Assert.Null(await app.FindStoredClientAsync(postedId));
        Assert.Equal(long.Parse(previous.ClientId, CultureInfo.InvariantCulture) + 1, long.Parse(created.ClientId, CultureInfo.InvariantCulture));
        Assert.NotEqual(PostedSecret, created.Secret);
        Assert.False(await app.SecretIsAcceptedAsync(created.Id, PostedSecret));
        Assert.True(await app.SecretIsAcceptedAsync(created.Id, created.Secret));
        Assert.True(DateTime.UtcNow - created.CreatedAt < TimeSpan.FromMinutes(5), $"Created at {created.CreatedAt:O}.");
        await AssertConfidentialWithoutPasswordGrantAsync(created.Id);
    }

    [Fact]
    public async Task Edit_WithExtraFields_IgnoresThem()
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await app.CreateStoredClientAsync();
        var name = $"Over-posted edit {Guid.NewGuid():N}";
        var fields = AuthClientPages.Form(name, concurrencyToken: target.ConcurrencyToken).Concat(ExtraFields(Guid.NewGuid().ToString()));

        var response = await browser.PostFormAsync(ByName[EditPage].PathFor(target.Id), ByName[Edit].PathFor(target.Id), fields);

        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
        var edited = await app.FindStoredClientAsync(target.Id);
        Assert.NotNull(edited);
        Assert.Equal(name, edited.Name);
        Assert.Equal(target.ClientId, edited.ClientId);
        Assert.Equal(target.Secret, edited.Secret);
        Assert.Equal(target.CreatedAt, edited.CreatedAt);
        Assert.False(await app.SecretIsAcceptedAsync(target.Id, PostedSecret));
        Assert.True(await app.SecretIsAcceptedAsync(target.Id, target.Secret));
        await AssertConfidentialWithoutPasswordGrantAsync(target.Id);
    }

    [Fact]
    public async Task RegenerateSecret_WithPostedSecretAndAnotherClientsId_RegeneratesOnlyTheClientInTheUrl()
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await app.CreateStoredClientAsync();
        var other = await app.CreateStoredClientAsync();

        var response = await browser.PostFormAsync(ByName[EditPage].PathFor(target.Id), ByName[RegenerateSecret].PathFor(target.Id), ExtraFields(other.Id));

        Assert.Equal(ByName[EditPage].PathFor(target.Id), HttpAssert.RedirectTarget(response));
        var regenerated = await app.FindStoredClientAsync(target.Id);
        Assert.NotEqual(target.Secret, regenerated!.Secret);
        Assert.NotEqual(PostedSecret, regenerated.Secret);
        Assert.False(await app.SecretIsAcceptedAsync(target.Id, PostedSecret));
        Assert.True(await app.SecretIsAcceptedAsync(other.Id, other.Secret));
    }

    [Fact]
    public async Task Delete_WithAnotherClientsIdPosted_DeletesOnlyTheClientInTheUrl()
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await app.CreateStoredClientAsync();
        var other = await app.CreateStoredClientAsync();

        var response = await browser.PostFormAsync(AuthClientPages.List, ByName[Delete].PathFor(target.Id), [new("id", other.Id)]);

        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
        Assert.Null(await app.FindStoredClientAsync(target.Id));
        Assert.NotNull(await app.FindStoredClientAsync(other.Id));
    }

    [Fact]
    public async Task Edit_WithAnotherClientsIdPosted_EditsOnlyTheClientInTheUrl()
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await app.CreateStoredClientAsync();
        var other = await app.CreateStoredClientAsync();
        var name = $"Edited {Guid.NewGuid():N}";

        var response = await browser.PostFormAsync(ByName[EditPage].PathFor(target.Id), ByName[Edit].PathFor(target.Id),
            AuthClientPages.Form(name, concurrencyToken: other.ConcurrencyToken).Append(new("id", other.Id)));

        // The posted version is the other client's, so the save of this one is refused as stale...
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // ...and neither client changes.
        Assert.Equal(target.Name, (await app.FindStoredClientAsync(target.Id))!.Name);
        Assert.Equal(other.Name, (await app.FindStoredClientAsync(other.Id))!.Name);
    }

    [Fact]
    public async Task CopySecret_WithAnotherClientsIdPosted_ReturnsTheSecretOfTheClientInTheUrl()
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await app.CreateStoredClientAsync();
        var other = await app.CreateStoredClientAsync();

        var response = await browser.PostFormAsync(AuthClientPages.List, ByName[CopySecret].PathFor(target.Id), [new("id", other.Id)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(target.Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Secret, body, StringComparison.Ordinal);
    }

    private async Task AssertConfidentialWithoutPasswordGrantAsync(string id)
    {
        var (type, permissions) = await app.WithServicesAsync(async services =>
        {
            var manager = services.GetRequiredService<OpenIddictApplicationManager<AuthClientApplication>>();
            var application = await manager.FindByIdAsync(id);
            return (await manager.GetClientTypeAsync(application!), await manager.GetPermissionsAsync(application!));
        });
        Assert.Equal(ClientTypes.Confidential, type);
        Assert.DoesNotContain(Permissions.GrantTypes.Password, permissions);
        Assert.Contains(Permissions.GrantTypes.ClientCredentials, permissions);
    }
}
