using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// A database of its own where one term matches more clients than a selective search reads one
/// by one (<see cref="AuthClientSearch.SelectiveMatchLimit"/>): "bulk-123-1", "bulk-123-2"... with
/// Client IDs 1 to <see cref="Total"/>, except that client 123 is called "plain". Its list counts
/// up to 10,000 matches (<see cref="AuthClientListOptions.CountLimit"/>, 1,000 by default), so a
/// broad search's count is exact here, as the broad path counts it.
/// </summary>
public sealed class BroadSearchFixture : IAsyncLifetime
{
    public const int Total = AuthClientSearch.SelectiveMatchLimit + 10;

    public AuthClientsAppFactory App { get; } = new() { Settings = { [$"{AuthClientListOptions.Section}:{nameof(AuthClientListOptions.CountLimit)}"] = "10000" } };

    public async Task InitializeAsync()
    {
        for (var number = 1; number <= Total; number++)
        {
            await App.SeedClientAsync(number == 123 ? "plain" : $"bulk-123-{number}");
        }
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// A search matching thousands of clients is answered another way than a narrow one (see
/// <see cref="AuthClientSearch"/>); what the list shows must not tell the two apart.
/// </summary>
public sealed class AuthClientBroadSearchTests(BroadSearchFixture fixture) : IClassFixture<BroadSearchFixture>
{
    private const int Total = BroadSearchFixture.Total;

    [Fact]
    public async Task BroadSearch_CountsEveryMatchAndShowsTheNewestFirst()
    {
        var page = await GetAsync("?search=BULK-123");

        Assert.Equal($"Showing 1-15 of {Total - 1}", page.Showing());
        Assert.Equal(Enumerable.Range(Total - 14, 15).Reverse().Select(n => $"bulk-123-{n}"), page.Rows().Select(r => r.Name));
    }

    [Fact]
    public async Task BroadSearch_WithATwoCharacterTerm_CountsEveryMatch()
    {
        var page = await GetAsync("?search=3-");

        Assert.Equal($"Showing 1-15 of {Total - 1}", page.Showing());
        Assert.Equal($"bulk-123-{Total}", page.Rows()[0].Name);
    }

    [Fact]
    public async Task BroadSearch_ForAClientId_AlsoFindsThatClientByItsId()
    {
        var page = await GetAsync("?search=123&sort=id&dir=asc&perPage=100&page=2");

        Assert.Equal($"Showing 101-200 of {Total}", page.Showing());
        Assert.Contains(("123", "plain"), page.Rows().Select(r => (r.ClientId, r.Name)));
    }

    [Fact]
    public async Task BroadSearch_LastPage_HoldsTheOldestMatches()
    {
        var page = await GetAsync("?search=bulk-123&perPage=100&page=999");

        var lastPage = (Total - 1 + 99) / 100;
        Assert.Equal($"Showing {((lastPage - 1) * 100) + 1}-{Total - 1} of {Total - 1}", page.Showing());
        Assert.Equal("bulk-123-1", page.Rows()[^1].Name);
    }

    [Fact]
    public async Task NarrowSearch_InTheSameList_FindsOnlyItsMatches()
    {
        var page = await GetAsync("?search=bulk-123-200");

        Assert.Equal(["bulk-123-2009", "bulk-123-2008", "bulk-123-2007", "bulk-123-2006", "bulk-123-2005",
            "bulk-123-2004", "bulk-123-2003", "bulk-123-2002", "bulk-123-2001", "bulk-123-2000", "bulk-123-200"],
            page.Rows().Select(r => r.Name));
    }

    private async Task<IHtmlDocument> GetAsync(string query)
    {
        var browser = await fixture.App.SignedInAsAdminAsync();
        return await browser.GetDocumentAsync(AuthClientPages.List + query);
    }
}
