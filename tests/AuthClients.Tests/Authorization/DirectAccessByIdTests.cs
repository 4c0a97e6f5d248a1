using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using static AuthClients.Tests.Authorization.AuthClientActions;

namespace AuthClients.Tests.Authorization;

/// <summary>
/// Addressing a client by id that does not exist (never did, was deleted, or is not even an id)
/// gives a clear message, never a server error.
/// </summary>
public sealed class DirectAccessByIdTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    /// <summary>Stands for the id of a client that existed and was deleted.</summary>
    private const string DeletedClient = "(deleted)";

    public static TheoryData<string, string> UnknownIdPerAction
    {
        get
        {
            string[] ids = [DeletedClient, "3f1c0a7e-0000-4000-8000-000000000000", "not-a-client", "1", "' OR '1'='1", new string('a', 2000)];
            var data = new TheoryData<string, string>();
            foreach (var action in new[] { EditPage, Edit, Delete, RegenerateSecret })
            {
                foreach (var id in ids)
                {
                    data.Add(action, id);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(UnknownIdPerAction))]
    public async Task Action_OnUnknownClient_ReturnsToTheListSayingItNoLongerExists(string action, string id)
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await UnknownTargetAsync(id);
        var before = await app.SnapshotAsync();

        var response = await browser.SendAsync(action, target, $"Name {Guid.NewGuid():N}");

        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
        var list = await browser.GetStringAsync(AuthClientPages.List);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(AuthClientCommands.MissingMessage), list, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Theory]
    [InlineData(DeletedClient)]
    [InlineData("3f1c0a7e-0000-4000-8000-000000000000")]
    [InlineData("' OR '1'='1")]
    public async Task CopySecret_OfUnknownClient_Returns404WithTheMessage(string id)
    {
        var browser = await app.SignedInAsAdminAsync();
        var target = await UnknownTargetAsync(id);

        var response = await browser.SendAsync(CopySecret, target, "");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(AuthClientCommands.MissingMessage, problem.RootElement.GetProperty("title").GetString());
        Assert.False(problem.RootElement.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task UnknownPageUnderAuthClients_ShowsTheNotFoundPage()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.GetAsync($"{AuthClientPages.List}/{Guid.NewGuid()}/no-such-action");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Not found", html, StringComparison.Ordinal);
        HttpAssert.NoInternals(html);
    }

    /// <summary>A target whose id leads nowhere; for <see cref="DeletedClient"/>, one that was just deleted.</summary>
    private async Task<StoredClient> UnknownTargetAsync(string id)
    {
        if (id != DeletedClient)
        {
            return new StoredClient(Uri.EscapeDataString(id), "0", "Nobody", "no-secret", ConcurrencyToken: "stale", DateTime.UtcNow);
        }

        var client = await app.CreateStoredClientAsync();
        var admin = await app.SignedInAsAdminAsync();
        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(await admin.SendAsync(Delete, client, "")));
        Assert.Null(await app.FindStoredClientAsync(client.Id));
        return client;
    }
}
