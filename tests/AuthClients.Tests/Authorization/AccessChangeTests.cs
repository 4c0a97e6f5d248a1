using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Authorization;

/// <summary>
/// Changes to a user's access apply on their next request, in the session they already have:
/// the cookie carries no rights of its own.
/// </summary>
public sealed class AccessChangeTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string ViewKey = Permissions.AuthClients.ViewKey;
    private const string DeleteKey = Permissions.AuthClients.DeleteKey;

    [Fact]
    public async Task List_AfterViewPermissionRemoved_Returns403WithoutSigningInAgain()
    {
        var email = await app.CreateUserAsync(permissions: [ViewKey]);
        var browser = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);

        await app.RevokeUserPermissionAsync(email, ViewKey);

        await HttpAssert.IsForbiddenPageAsync(await browser.GetAsync(AuthClientPages.List));
    }

    [Fact]
    public async Task Delete_AfterDeletePermissionRemoved_Returns403AndTheClientStays()
    {
        var target = await app.CreateStoredClientAsync();
        var email = await app.CreateUserAsync(permissions: [ViewKey, DeleteKey]);
        var browser = await app.SignedInAsync(email);
        Assert.Contains("aria-label=\"Delete\"", await browser.GetStringAsync(AuthClientPages.List), StringComparison.Ordinal);

        await app.RevokeUserPermissionAsync(email, DeleteKey);
        var response = await browser.SendAsync(Delete, target, "");

        await HttpAssert.IsForbiddenPageAsync(response);
        Assert.NotNull(await app.FindStoredClientAsync(target.Id));
        Assert.DoesNotContain("aria-label=\"Delete\"", await browser.GetStringAsync(AuthClientPages.List), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AfterRemovalFromTheGrantingGroup_Returns403()
    {
        var email = await app.CreateUserAsync(groupPermissions: [ViewKey]);
        var browser = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);

        await app.RemoveFromGroupsAsync(email);

        await HttpAssert.IsForbiddenPageAsync(await browser.GetAsync(AuthClientPages.List));
    }

    [Fact]
    public async Task List_AfterViewPermissionGranted_IsAllowedWithoutSigningInAgain()
    {
        var email = await app.CreateUserAsync();
        var browser = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(AuthClientPages.List)).StatusCode);

        await app.GrantUserPermissionAsync(email, ViewKey);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);
    }

    [Fact]
    public async Task List_AfterSuperAdminRemoved_Returns403WithoutSigningInAgain()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);

        await app.SetSuperAdminAsync(email, false);

        await HttpAssert.IsForbiddenPageAsync(await browser.GetAsync(AuthClientPages.List));
    }

    public enum AccessChange { PermissionRemoved, SuperAdminRemoved, RemovedFromTheGrantingGroup }

    /// <summary>
    /// The same, through the API with a user's bearer token that the API already knows (its
    /// signature is remembered after the first calls): the rights come from the user, not from
    /// what an earlier request saw.
    /// </summary>
    [Theory]
    [InlineData(AccessChange.PermissionRemoved)]
    [InlineData(AccessChange.SuperAdminRemoved)]
    [InlineData(AccessChange.RemovedFromTheGrantingGroup)]
    public async Task ApiList_WithTheSameBearerToken_AfterAccessRemoved_Returns403(AccessChange change)
    {
        var email = change switch
        {
            AccessChange.PermissionRemoved => await app.CreateUserAsync(permissions: [ViewKey]),
            AccessChange.SuperAdminRemoved => await app.CreateUserAsync(superAdmin: true),
            _ => await app.CreateUserAsync(groupPermissions: [ViewKey]),
        };
        var token = await app.UserApiTokenAsync(email);
        var api = app.CreateClient();
        for (var call = 0; call < 3; call++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(ApiList(token))).StatusCode);
        }

        await (change switch
        {
            AccessChange.PermissionRemoved => app.RevokeUserPermissionAsync(email, ViewKey),
            AccessChange.SuperAdminRemoved => app.SetSuperAdminAsync(email, false),
            _ => app.RemoveFromGroupsAsync(email),
        });

        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(ApiList(token))).StatusCode);
    }

    private static HttpRequestMessage ApiList(string token) =>
        new(HttpMethod.Get, "/api/1.0/auth-clients") { Headers = { Authorization = new("Bearer", token) } };

    [Fact]
    public async Task List_AfterUserDeactivated_SignsOutAndRedirectsToSignIn()
    {
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);

        await app.SetActiveAsync(email, false);
        var response = await browser.GetAsync(AuthClientPages.List);

        HttpAssert.RedirectsToSignIn(response);
        // The session cookie is removed, not just ignored.
        Assert.Contains(HttpAssert.SetCookies(response), c => c.StartsWith("AuthClients.Session=;", StringComparison.Ordinal));
        HttpAssert.RedirectsToSignIn(await browser.GetAsync(AuthClientPages.List));
    }

    [Fact]
    public async Task Delete_AfterUserDeactivated_IsRefusedAndTheClientStays()
    {
        var target = await app.CreateStoredClientAsync();
        var email = await app.CreateUserAsync(superAdmin: true);
        var browser = await app.SignedInAsync(email);
        var token = await browser.GetAntiforgeryTokenAsync(AuthClientPages.List);

        await app.SetActiveAsync(email, false);
        var response = await browser.PostAsync(ByName[Delete].PathFor(target.Id),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        HttpAssert.RedirectsToSignIn(response);
        Assert.NotNull(await app.FindStoredClientAsync(target.Id));
    }
}
