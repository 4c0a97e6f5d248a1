using System.Text;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Lists;

/// <summary>
/// A database of its own holding 37 clients whose sort values tie: "alpha 01".."alpha 25", then
/// "beta 01".."beta 12"; every fourth without a redirect URI, the others on one of three; a third
/// never used, a third used two hours ago (all at the same time), a third idle 10, 20, ... days.
/// Its app keeps a position every 3 clients (<see cref="AuthClientListOptions.PageAnchorSpacing"/>),
/// so the whole list's pages typed by their number in the name and number orders start from them.
/// </summary>
public class TiedListFixture : IAsyncLifetime
{
    public const int Total = 37;

    public AuthClientsAppFactory App { get; } = new() { Settings = { [$"{AuthClientListOptions.Section}:{nameof(AuthClientListOptions.PageAnchorSpacing)}"] = "3" } };

    public async Task InitializeAsync()
    {
        var now = DateTime.UtcNow;
        var names = Enumerable.Range(1, 25).Select(i => $"alpha {i:D2}").Concat(Enumerable.Range(1, 12).Select(i => $"beta {i:D2}")).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            await App.SeedClientAsync(names[i], i % 4 == 0 ? null : $"https://r{i % 3}.example/cb");
            DateTime? lastUsed = (i % 3) switch { 0 => null, 1 => now.AddHours(-2), _ => now.AddDays(-10 * i) };
            var name = names[i];
            await App.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
                .Where(a => a.DisplayName == name).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, lastUsed)));
        }
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The Auth Clients list's Next and Previous links read the next page from the position of the
/// row the page ends (or starts) at: walking them visits every client once, in the list's order,
/// whatever the column, direction, search or filter, and a link that carries no usable position
/// still shows a normal page.
/// </summary>
public sealed class KeysetPagingTests(TiedListFixture fixture) : IClassFixture<TiedListFixture>
{
    public static TheoryData<string> Orders => new()
    {
        "perPage=10",
        "sort=id&dir=asc&perPage=10",
        "sort=name&dir=asc&perPage=10",
        "sort=name&dir=desc&perPage=10",
        "sort=redirect&dir=asc&perPage=10",
        "sort=redirect&dir=desc&perPage=10",
        "sort=lastused&dir=asc&perPage=10",
        "sort=lastused&dir=desc&perPage=10",
        "sort=redirect&dir=asc&perPage=10&search=alpha",
        "sort=lastused&dir=desc&perPage=10&search=beta",
        "sort=name&dir=desc&perPage=10&filter=unused",
        "sort=lastused&dir=asc&perPage=10&filter=unused",
        "sort=redirect&dir=desc&perPage=10&filter=used-24h",
        "sort=lastused&dir=asc&perPage=10&filter=unused&search=alpha",
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task NextLinks_FromTheFirstPage_VisitEveryClientOnce_AsTheNumberedPagesShowThem(string list)
    {
        var everyRow = ClientIds(await GetAsync(WithPerPage(list, 100)));
        var pages = new List<List<string>>();
        var page = await GetAsync(list);
        while (true)
        {
            pages.Add(ClientIds(page));
            if (IsDisabled(page, "Next"))
            {
                break;
            }

            var next = page.PageLink("Next")!.GetAttribute("href")!;
            Assert.Contains("after=", next, StringComparison.Ordinal);
            page = await GetAsync(next);
        }

        Assert.True(pages.Count > 1, "the walk spans several pages");
        Assert.Equal(everyRow, pages.SelectMany(p => p));
        for (var number = 1; number <= pages.Count; number++)
        {
            Assert.Equal(pages[number - 1], ClientIds(await GetAsync($"{list}&page={number}")));
        }

        var backwards = new List<List<string>> { pages[^1] };
        while (!IsDisabled(page, "Previous"))
        {
            page = await GetAsync(page.PageLink("Previous")!.GetAttribute("href")!);
            backwards.Add(ClientIds(page));
        }

        backwards.Reverse();
        Assert.Equal(pages, backwards);
    }

    [Fact]
    public async Task NextLink_ShowsThePageNumberAndRange_OfThePageItLeadsTo()
    {
        var first = await GetAsync("sort=name&dir=asc&perPage=10");

        var second = await GetAsync(first.PageLink("Next")!.GetAttribute("href")!);

        Assert.Equal($"Showing 11-20 of {TiedListFixture.Total}", second.Showing());
        Assert.Equal("2", second.QuerySelector("nav[aria-label=Pages] [aria-current=page]")?.TextContent);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => $"alpha {i:D2}"), second.Rows().Select(r => r.Name));
    }

    [Fact]
    public async Task PositionOfAClientThatNoLongerExists_ShowsTheClientsAfterWhereItWas()
    {
        var gone = new ListCursor(AuthClientSort.Name, Descending: false, "ALPHA 055", long.MaxValue).Encode();

        var page = await GetAsync($"sort=name&dir=asc&perPage=10&page=2&after={gone}");

        Assert.Equal(Enumerable.Range(6, 10).Select(i => $"alpha {i:D2}"), page.Rows().Select(r => r.Name));
    }

    /// <summary>Links whose position cannot be used, each with a page number in range, past the end, and before the start.</summary>
    public static TheoryData<string, string, string> BadPositions()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (list, token) in BadTokens())
        {
            foreach (var way in new[] { "after", "before" })
            {
                foreach (var number in new[] { "2", "999999", "0" })
                {
                    data.Add(list, $"{way}={Uri.EscapeDataString(token)}", number);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadPositions))]
    public async Task LinkWithAnUnusablePosition_ShowsThePageItsNumberNames(string list, string position, string number)
    {
        var byNumber = await GetAsync($"{list}&page={number}");

        var page = await GetAsync($"{list}&page={number}&{position}");

        Assert.NotEmpty(page.Rows());
        Assert.Equal(ClientIds(byNumber), ClientIds(page));
        Assert.Equal(byNumber.Showing(), page.Showing());
    }

    private static IEnumerable<(string List, string Token)> BadTokens()
    {
        const string byName = "sort=name&dir=asc&perPage=10";
        const string byLastUse = "sort=lastused&dir=desc&perPage=10";
        static string Base64Url(string text) => Base64UrlOf(Encoding.UTF8.GetBytes(text));
        static string Json(string sort, bool descending, string? value) => new ListCursor(sort, descending, value, 3).Encode();

        var random = new Random(16);
        var garbage = new byte[48];
        random.NextBytes(garbage);
        string[] unreadable =
        [
            "", " ", "%", "not base64!", "====", "AAAA", Base64UrlOf(garbage), Base64Url("{}"), Base64Url("null"), Base64Url("[1,2]"),
            Base64Url("{\"s\":5}"), Base64Url("{\"s\":\"name\",\"d\":\"yes\"}"), Base64Url("{\"s\":\"name\",\"d\":false,\"v\":\"A\",\"n\":\"x\"}"),
            new string('A', 100 * 1024), "\0\u0001\u001f", Base64Url("\0\0\0\0"), Json(AuthClientSort.Name, false, "ALPHA\0 01"),
        ];
        foreach (var token in unreadable)
        {
            yield return (byName, token);
        }

        // Readable, but not a position in this list's order, or not one its column can hold.
        yield return (byName, Json(AuthClientSort.Redirect, false, "HTTPS://R1.EXAMPLE/CB"));
        yield return (byName, Json(AuthClientSort.Name, true, "ALPHA 05"));
        yield return (byName, Json(AuthClientSort.Name, false, null));
        yield return (byLastUse, Json(AuthClientSort.LastUsed, true, "yesterday"));
        yield return (byLastUse, Json(AuthClientSort.LastUsed, true, "-5"));
        yield return (byLastUse, Json(AuthClientSort.LastUsed, true, "99999999999999999999"));
        yield return (byLastUse, Json(AuthClientSort.LastUsed, true, long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string Base64UrlOf(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string WithPerPage(string list, int perPage) =>
        string.Join('&', list.Split('&').Select(p => p.StartsWith("perPage=", StringComparison.Ordinal) ? $"perPage={perPage}" : p));

    internal static bool IsDisabled(IHtmlDocument page, string link) => page.PageLink(link)?.ParentElement?.ClassList.Contains("disabled") != false;

    internal static List<string> ClientIds(IHtmlDocument page) => page.Rows().Select(r => r.ClientId).ToList();

    private HttpClient? _browser;

    /// <param name="url">A query string for the list, or a link taken from the page.</param>
    private async Task<IHtmlDocument> GetAsync(string url)
    {
        _browser ??= await fixture.App.SignedInAsAdminAsync();
        return await _browser.GetDocumentAsync(url.StartsWith('/') ? url : $"{AuthClientPages.List}?{url}");
    }
}

/// <summary>Clients created and deleted between two pages of a walk by Next: the walk neither repeats nor skips a client that was there all along.</summary>
public sealed class KeysetPagingChangeTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task NextLink_AfterClientsAreCreatedAndDeleted_ContinuesRightAfterTheLastRowShown()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = $"k{Guid.NewGuid():N}"[..10];
        var ids = new List<string>();
        for (var i = 1; i <= 30; i++)
        {
            ids.Add((await app.CreateClientAsync(new AuthClientSettings { Name = $"{tag} {i:D2}", Grants = new(ClientCredentials: true) })).Id);
        }

        var list = $"{AuthClientPages.List}?search={tag}&sort=name&dir=asc&perPage=10";
        var first = await browser.GetDocumentAsync(list);
        var second = await browser.GetDocumentAsync(first.PageLink("Next")!.GetAttribute("href")!);
        Assert.Equal(Names(tag, 11..21), second.Rows().Select(r => r.Name));

        // One client before the position, the client the position names, one after it; one new before it, one new at the end.
        foreach (var gone in new[] { ids[2], ids[19], ids[24] })
        {
            await app.WithServicesAsync(services => services.GetRequiredService<AuthClientCommands>().DeleteAsync(gone));
        }

        await app.SeedClientAsync($"{tag} 00");
        await app.SeedClientAsync($"{tag} 99");

        var rest = new List<string>();
        var page = second;
        while (page.PageLink("Next")?.ParentElement?.ClassList.Contains("disabled") == false)
        {
            page = await browser.GetDocumentAsync(page.PageLink("Next")!.GetAttribute("href")!);
            rest.AddRange(page.Rows().Select(r => r.Name));
        }

        Assert.Equal([.. Names(tag, 21..25), .. Names(tag, 26..31), $"{tag} 99"], rest);
    }

    private static IEnumerable<string> Names(string tag, Range numbers) =>
        Enumerable.Range(numbers.Start.Value, numbers.End.Value - numbers.Start.Value).Select(i => $"{tag} {i:D2}");
}
