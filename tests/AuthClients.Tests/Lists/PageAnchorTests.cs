using System.Globalization;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Lists;

/// <summary>
/// A page of the whole list typed by its number starts from positions the instance keeps
/// (<see cref="AuthClientPageAnchors"/>, every 3 clients here): after a client is added, deleted or
/// renamed, by this instance, another one on the same database, or SQL, every typed page of the name
/// and number orders still shows what the list holds, as one page of all the clients shows it,
/// both while the instance reads its positions again and once it has.
/// </summary>
public sealed class PageAnchorTests
{
    private const int PerPage = 10;
    private static readonly string[] Orders = ["", "sort=id&dir=asc", "sort=name&dir=asc", "sort=name&dir=desc"];

    private static string Spacing => $"{AuthClientListOptions.Section}:{nameof(AuthClientListOptions.PageAnchorSpacing)}";

    [Fact]
    public async Task TypedPages_AfterEachKindOfChange_ByAnyInstanceOrSql_ShowWhatTheListHolds()
    {
        await using var first = new AuthClientsAppFactory { Settings = { [Spacing] = "3" } };
        await using var second = new AuthClientsAppFactory { Database = first.Database, Settings = { [Spacing] = "3" } };
        // 45 clients, created out of name order (7 and 46 have no common factor).
        foreach (var i in Enumerable.Range(1, 45))
        {
            await first.SeedClientAsync($"anchor {i * 7 % 46:D2}");
        }

        await AssertTypedPagesMatchTheListAsync(first, "before any change");

        await second.SeedClientAsync("anchor 00");
        await AssertTypedPagesMatchTheListAsync(first, "after another instance added a client");

        await second.ChangeClientAsync(await ClientNamedAsync(first, "anchor 03"), settings => settings with { Name = "anchor 99" });
        await AssertTypedPagesMatchTheListAsync(first, "after another instance renamed a client from near the start to the end");

        await second.DeleteClientAsync(await ClientNamedAsync(first, "anchor 05"));
        await AssertTypedPagesMatchTheListAsync(first, "after another instance deleted a client");

        await second.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
            .Where(a => a.DisplayName == "anchor 45")
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DisplayName, "anchor 00a").SetProperty(a => a.NormalizedName, "ANCHOR 00A")));
        await AssertTypedPagesMatchTheListAsync(first, "after SQL renamed a client from the end to the start");

        await first.SeedClientAsync("anchor 00b");
        await AssertTypedPagesMatchTheListAsync(first, "after this instance added a client");
    }

    /// <summary>
    /// Every typed page of every order, on the instance that keeps positions from before the change:
    /// first as it answers right after the change (without positions, while it reads them again),
    /// then once it has read them.
    /// </summary>
    private static async Task AssertTypedPagesMatchTheListAsync(AuthClientsAppFactory app, string when)
    {
        await AssertTypedPagesAsync(app, when);
        await WaitForPositionsAsync(app);
        await AssertTypedPagesAsync(app, $"{when}, from the positions read since");
    }

    private static async Task AssertTypedPagesAsync(AuthClientsAppFactory app, string when)
    {
        var browser = await app.SignedInAsAdminAsync();
        foreach (var order in Orders)
        {
            var all = Names(await browser.GetDocumentAsync($"{AuthClientPages.List}?{order}&perPage=100"));
            var pages = (all.Count + PerPage - 1) / PerPage;
            for (var page = 1; page <= pages; page++)
            {
                var shown = Names(await browser.GetDocumentAsync($"{AuthClientPages.List}?{order}&perPage={PerPage}&page={page.ToString(CultureInfo.InvariantCulture)}"));
                Assert.True(all.Skip((page - 1) * PerPage).Take(PerPage).SequenceEqual(shown),
                    $"{when}: page {page} of \"{order}\" shows {string.Join(", ", shown)}; the list holds {string.Join(", ", all)}");
            }
        }
    }

    /// <summary>Until the instance has positions of both orders for the list as it is now (it starts reading them if it has not).</summary>
    private static Task WaitForPositionsAsync(AuthClientsAppFactory app) => app.WithServicesAsync(async services =>
    {
        var anchors = services.GetRequiredService<AuthClientPageAnchors>();
        var changes = await services.GetRequiredService<AppDbContext>().AuthClientTotals.Select(t => t.Changes).SingleAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        foreach (var property in new[] { nameof(AuthClientApplication.NormalizedName), nameof(AuthClientApplication.Number) })
        {
            while (anchors.For(property, changes, skip: int.MaxValue) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no positions by {property} after a minute");
                await Task.Delay(10);
            }
        }
    });

    private static List<string> Names(IHtmlDocument page) => page.Rows().Select(r => r.Name).ToList();

    private static async Task<RegisteredClient> ClientNamedAsync(AuthClientsAppFactory app, string name) =>
        (await app.FindStoredClientByNameAsync(name)) is { } client ? new RegisteredClient(client.Id, client.ClientId, client.Secret) : throw new InvalidOperationException($"No client {name}.");
}
