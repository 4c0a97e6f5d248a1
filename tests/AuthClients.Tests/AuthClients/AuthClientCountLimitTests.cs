using System.Net.Http.Headers;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AuthClients.Tests.AuthClients.AuthClientListQueries;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// An app whose list counts a search or filter up to <see cref="Limit"/> matches
/// (<see cref="AuthClientListOptions.CountLimit"/>, lowered from 10,000 so a few clients exceed
/// it), on a clock stopped at a whole second (so "exactly 90 days ago" is exact on every database).
/// </summary>
public sealed class CountLimitFixture : IAsyncLifetime
{
    public const int Limit = 20;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public AuthClientsAppFactory App { get; }

    public CountLimitFixture() => App = new AuthClientsAppFactory
    {
        Settings = { [$"{AuthClientListOptions.Section}:{nameof(AuthClientListOptions.CountLimit)}"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        TestServices = services => services.AddSingleton<TimeProvider>(Clock),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// A search or filter matching more clients than the count limit says "20+" (page and API), and its
/// Next links (the API's meta.next) go on past the first 20 to the last match, which the last page
/// counts exactly; one matching fewer is counted exactly; the
/// whole list is always counted exactly (from the row the database's triggers keep).
/// </summary>
public sealed class AuthClientCountLimitTests(CountLimitFixture fixture) : IClassFixture<CountLimitFixture>
{
    private const int Limit = CountLimitFixture.Limit;
    private readonly AuthClientsAppFactory _app = fixture.App;

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(Limit + 7)]
    [InlineData(Limit * 3)]
    public async Task SearchMatchingMoreThanTheLimit_SaysLimitPlus_AndNextReachesEveryMatchInOrder(int matches)
    {
        var browser = await _app.SignedInAsAdminAsync();
        var tag = NewTag();
        await SeedAsync(tag, matches);

        var pages = await FollowNextAsync(browser, $"{Search(tag)}&perPage=10");

        Assert.Equal($"Showing 1-10 of {Limit}+", pages[0].Showing());
        Assert.Contains($"More than {Limit} auth clients match: pages are numbered as far as they were counted, and Next goes on through the others", CappedNote(pages[0]));
        // Newest first: every client, each once, in order.
        Assert.Equal(Enumerable.Range(1, matches).Reverse().Select(i => $"{tag} {i:D3}"), pages.SelectMany(Names));
        // The last page knows there is no more: its count is exact, and no note says otherwise.
        Assert.Equal($"Showing {((pages.Count - 1) * 10) + 1}-{matches} of {matches}", pages[^1].Showing());
        Assert.Null(CappedNote(pages[^1]));
    }

    /// <summary>
    /// A page number past the counted pages, typed or crafted, shows the last counted page: without a
    /// position there is nothing to read it from. With 15 a page, the last counted page (the second)
    /// straddles the limit and shows all 15 of its rows. With a position, however large the number,
    /// the page is read from it and its pager names a handful of pages.
    /// </summary>
    [Theory]
    [InlineData(10, "3", 2, "Showing 11-20 of 20+")]
    [InlineData(10, "999999", 2, "Showing 11-20 of 20+")]
    [InlineData(10, "2147483647", 2, "Showing 11-20 of 20+")]
    [InlineData(15, "3", 2, "Showing 16-30 of 30+")]
    public async Task PageNumberPastTheCount_ShowsTheLastCountedPage(int perPage, string number, int shown, string showing)
    {
        var browser = await _app.SignedInAsAdminAsync();
        var tag = NewTag();
        await SeedAsync(tag, Limit * 2);
        var list = $"{Search(tag)}&perPage={perPage}";

        var page = await browser.GetDocumentAsync($"{list}&page={number}");
        var byNumber = await browser.GetDocumentAsync($"{list}&page={shown}");
        var after = System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), page.PageLink("Next")!.GetAttribute("href")!).Query)["after"];
        var crafted = await browser.GetDocumentAsync($"{list}&page={number}&after={Uri.EscapeDataString(after!)}");

        Assert.Equal(showing, page.Showing());
        Assert.Equal(shown.ToString(System.Globalization.CultureInfo.InvariantCulture), page.QuerySelector("nav[aria-label=Pages] [aria-current=page]")?.TextContent);
        Assert.Equal(Names(byNumber), Names(page));
        // The rows after the position, whatever the number says.
        Assert.Equal(Enumerable.Range(1, (Limit * 2) - (shown * perPage)).Reverse().Take(perPage).Select(i => $"{tag} {i:D3}"), Names(crafted));
        Assert.True(crafted.QuerySelectorAll("nav[aria-label=Pages] a.page-link").Length <= 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(Limit - 1)]
    [InlineData(Limit)]
    public async Task SearchMatchingUpToTheLimit_IsCountedExactly(int matches)
    {
        var browser = await _app.SignedInAsAdminAsync();
        var tag = NewTag();
        await SeedAsync(tag, matches);

        var page = await browser.GetDocumentAsync($"{Search(tag)}&perPage=100");

        Assert.Equal($"Showing 1-{matches} of {matches}", page.Showing());
        Assert.Null(CappedNote(page));
        Assert.Equal(matches, page.Rows().Count);
    }

    [Fact]
    public async Task Api_SaysWhenTheTotalIsALowerBound()
    {
        var (many, few) = (NewTag(), NewTag());
        await SeedAsync(many, Limit + 5);
        await SeedAsync(few, 3);
        var token = await _app.ClientAccessTokenAsync("auth_clients.read");

        using var capped = await ListAsync(token, $"search={many}&per_page=10&page=2");
        using var exact = await ListAsync(token, $"search={few}");

        var cappedMeta = capped.RootElement.GetProperty("meta");
        Assert.Equal(Limit, cappedMeta.GetProperty("total").GetInt32());
        Assert.True(cappedMeta.GetProperty("total_is_lower_bound").GetBoolean());
        Assert.Equal(Limit / 10, cappedMeta.GetProperty("total_pages").GetInt32());
        Assert.Equal(10, capped.RootElement.GetProperty("data").GetArrayLength());
        // meta.next goes on past the limit, to the last match.
        using var third = await ListAsync(token, $"search={many}&per_page=10&page=3&after={Uri.EscapeDataString(cappedMeta.GetProperty("next").GetString()!)}");
        var thirdMeta = third.RootElement.GetProperty("meta");
        Assert.Equal(5, third.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(Limit + 5, thirdMeta.GetProperty("total").GetInt32());
        Assert.False(thirdMeta.GetProperty("total_is_lower_bound").GetBoolean());
        Assert.Equal(JsonValueKind.Null, thirdMeta.GetProperty("next").ValueKind);
        var exactMeta = exact.RootElement.GetProperty("meta");
        Assert.Equal(3, exactMeta.GetProperty("total").GetInt32());
        Assert.False(exactMeta.GetProperty("total_is_lower_bound").GetBoolean());
    }

    [Fact]
    public async Task WholeList_IsCountedExactlyPastTheLimit_AndFollowsCreatesAndDeletes()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var tag = NewTag();
        await SeedAsync(tag, Limit + 2);

        var before = await browser.GetDocumentAsync(AuthClientPages.List);
        var stored = await StoredCountAsync();
        await browser.DeleteClientAsync(await browser.FindIdAsync($"{tag} 001"));
        var after = await browser.GetDocumentAsync(AuthClientPages.List);

        Assert.True(stored > Limit);
        Assert.Equal($"Showing 1-15 of {stored}", before.Showing());
        Assert.Null(CappedNote(before));
        Assert.Equal($"Showing 1-15 of {stored - 1}", after.Showing());
        Assert.Equal(stored - 1, await StoredCountAsync());
    }

    /// <summary>
    /// "Not used for 90 days": never used, or last used more than 90 days ago. A client used exactly
    /// 90 days ago was used within the 90 days (the dashboard's "used in 90 days" counts it too).
    /// </summary>
    [Fact]
    public async Task NotUsedFilter_Boundary_IsExactly90Days()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var tag = NewTag();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var lastUse = new Dictionary<string, DateTime?>
        {
            [$"{tag} never"] = null,
            [$"{tag} 90 days and a second"] = now - TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1),
            [$"{tag} exactly 90 days"] = now - TimeSpan.FromDays(90),
            [$"{tag} 90 days less a second"] = now - TimeSpan.FromDays(90) + TimeSpan.FromSeconds(1),
            [$"{tag} today"] = now,
        };
        foreach (var (name, usedAt) in lastUse)
        {
            await _app.SeedClientAsync(name);
            await SetLastUsedAsync(name, usedAt);
        }

        var page = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.NotUsedFilter}&sort={AuthClientSort.Name}&dir=asc");

        Assert.Equal([$"{tag} 90 days and a second", $"{tag} never"], Names(page));
        Assert.Equal("Showing 1-2 of 2", page.Showing());
    }

    [Fact]
    public async Task PagingThroughAFilterPastTheLimit_ListsEveryMatchOnce_InTheSortOrder()
    {
        var browser = await _app.SignedInAsAdminAsync();
        var tag = NewTag();
        const int clients = Limit + 15; // 24 of them unused
        await SeedAsync(tag, clients);
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        // Every third client used today; the others not for 100 days or more (some never).
        for (var i = 1; i <= clients; i++)
        {
            await SetLastUsedAsync($"{tag} {i:D3}", i % 3 == 0 ? now : i % 3 == 1 ? now.AddDays(-100 - i) : null);
        }

        var unused = Enumerable.Range(1, clients).Where(i => i % 3 != 0).Select(i => $"{tag} {i:D3}").ToList();
        var byName = await FollowNextAsync(browser, $"{Search(tag)}&filter={AuthClientSort.NotUsedFilter}&sort={AuthClientSort.Name}&dir=asc&perPage=10");
        var byNameDescending = await FollowNextAsync(browser, $"{Search(tag)}&filter={AuthClientSort.NotUsedFilter}&sort={AuthClientSort.Name}&dir=desc&perPage=10");

        Assert.True(unused.Count > Limit);
        Assert.Equal($"Showing 1-10 of {Limit}+", byName[0].Showing());
        Assert.Equal(unused, byName.SelectMany(Names));
        Assert.Equal(Enumerable.Reverse(unused), byNameDescending.SelectMany(Names));
    }

    /// <summary>Clients "{tag} 001", "{tag} 002"... created in that order.</summary>
    private async Task SeedAsync(string tag, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await _app.SeedClientAsync($"{tag} {i:D3}");
        }
    }

    private Task<int> SetLastUsedAsync(string name, DateTime? usedAt) =>
        _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
            .Where(a => a.DisplayName == name).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, usedAt)));

    private Task<int> StoredCountAsync() =>
        _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients.CountAsync());

    /// <summary>Every page the Next links reach, from the list's first page on.</summary>
    private static async Task<List<IHtmlDocument>> FollowNextAsync(HttpClient browser, string url)
    {
        var pages = new List<IHtmlDocument> { await browser.GetDocumentAsync(url) };
        while (pages[^1].PageLink("Next") is { } next && next.ParentElement?.ClassList.Contains("disabled") == false)
        {
            Assert.True(pages.Count < 100, "Next links run on without end.");
            pages.Add(await browser.GetDocumentAsync(next.GetAttribute("href")!));
        }

        return pages;
    }

    private static string? CappedNote(IHtmlDocument page) =>
        page.QuerySelectorAll("[role=status]").Select(e => e.Text()).FirstOrDefault(t => t.StartsWith("More than", StringComparison.Ordinal));

    private async Task<JsonDocument> ListAsync(string token, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/1.0/auth-clients?{query}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _app.CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
