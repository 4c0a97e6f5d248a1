using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The Client ID column: 1 for the first client ever created, then 2, 3..., never reused, kept
/// across restarts, distinct under concurrent creation, and the client_id OpenIddict knows.
/// Most tests need a database of their own, so they start their own app.
/// </summary>
public sealed class ClientIdTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string OldestFirst = $"{AuthClientPages.List}?sort=id&dir=asc&perPage=100";

    [Fact]
    public async Task ClientIds_OnAFreshDatabase_Are1Then2Then3()
    {
        await using var fresh = new AuthClientsAppFactory();
        var browser = await fresh.SignedInAsAdminAsync();

        foreach (var name in new[] { "first", "second", "third" })
        {
            await browser.CreateClientAsync(name);
        }

        var rows = (await browser.GetDocumentAsync(OldestFirst)).Rows();
        Assert.Equal([("1", "first"), ("2", "second"), ("3", "third")], rows.Select(r => (r.ClientId, r.Name)));
    }

    [Fact]
    public async Task ClientId_OfADeletedLastClient_IsNotGivenAgain()
    {
        await using var fresh = new AuthClientsAppFactory();
        var browser = await fresh.SignedInAsAdminAsync();
        await browser.CreateClientAsync("first");
        var second = await browser.CreateClientAsync("second");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.DeleteClientAsync(second)).StatusCode);

        await browser.CreateClientAsync("third");

        var rows = (await browser.GetDocumentAsync(OldestFirst)).Rows();
        Assert.Equal([("1", "first"), ("3", "third")], rows.Select(r => (r.ClientId, r.Name)));
    }

    [Fact]
    public async Task ClientIds_Of50ConcurrentCreations_AreDistinctAndConsecutive()
    {
        const int count = 50;
        await using var fresh = new AuthClientsAppFactory();

        // Five administrators, each submitting ten forms at once.
        var editors = new List<(HttpClient Browser, string Token)>();
        for (var i = 0; i < 5; i++)
        {
            var browser = await fresh.SignedInAsAdminAsync();
            editors.Add((browser, await browser.GetAntiforgeryTokenAsync(AuthClientPages.CreatePage)));
        }

        var names = Enumerable.Range(1, count).Select(i => $"concurrent {i:D2}").ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = names.Select((name, i) => Task.Run(async () =>
        {
            await start.Task;
            var (browser, token) = editors[i % editors.Count];
            return await browser.PostWithTokenAsync(AuthClientPages.CreatePage, token, AuthClientPages.Form(name));
        })).ToList();
        start.SetResult();
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Equal(AuthClientPages.List, r.Headers.Location!.OriginalString);
        });
        var rows = (await editors[0].Browser.GetDocumentAsync(OldestFirst)).Rows();
        Assert.Equal(Enumerable.Range(1, count).Select(n => n.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r.ClientId));
        Assert.Equal(names.Order(StringComparer.Ordinal), rows.Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClientIds_AfterARestart_AreKeptAndContinue()
    {
        using var database = TestDatabase.Create();
        await using (var before = new AuthClientsAppFactory { Database = database })
        {
            var browser = await before.SignedInAsAdminAsync();
            await browser.CreateClientAsync("before restart 1");
            await browser.CreateClientAsync("before restart 2");
            var third = await browser.CreateClientAsync("before restart 3");
            await browser.DeleteClientAsync(third);
        }

        await using var after = new AuthClientsAppFactory { Database = database };
        var again = await after.SignedInAsAdminAsync();
        await again.CreateClientAsync("after restart");

        var rows = (await again.GetDocumentAsync(OldestFirst)).Rows();
        Assert.Equal(
            [("1", "before restart 1"), ("2", "before restart 2"), ("4", "after restart")],
            rows.Select(r => (r.ClientId, r.Name)));
    }

    [Fact]
    public async Task ClientId_ShownInTheList_IsTheClientIdOpenIddictKnows()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"openiddict {Guid.NewGuid():N}";
        await browser.CreateClientAsync(name);
        var row = (await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows().Single();

        var (clientId, foundByClientId) = await app.WithServicesAsync(async services =>
        {
            var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await manager.FindByIdAsync(row.Id);
            Assert.NotNull(application);
            var found = await manager.FindByClientIdAsync(row.ClientId);
            return (await manager.GetClientIdAsync(application), found is null ? null : await manager.GetDisplayNameAsync(found));
        });

        Assert.Matches("^[1-9][0-9]*$", row.ClientId);
        Assert.Equal(row.ClientId, clientId);
        Assert.Equal(name, foundByClientId);
    }
}
