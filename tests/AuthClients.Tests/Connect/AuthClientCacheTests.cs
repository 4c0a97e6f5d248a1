using System.Diagnostics.Metrics;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthClients.Tests.Connect;

/// <summary>
/// What the client cache keeps in memory: a round robin over many clients must not keep more than
/// the lifetime's worth of copies, nor more outage copies than <see cref="ResilienceOptions.RememberedClients"/>
/// (docs/performance.md measured both as most of the heap under that load).
/// </summary>
public sealed class AuthClientCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ExpiredCopies_LeaveMemoryWithinAboutTheLifetime_NotOnlyWhenReadAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = NewCache(clock, rememberedClients: 10);
        for (var i = 0; i < 50; i++)
        {
            AddClient(cache, $"{1000 + i}");
        }

        Assert.Equal(100, cache.HeldCount);
        Assert.NotNull(cache.Find("1000"));

        // Past the lifetime and the scan interval: the next look-up of any client starts the scan
        // (in the background), which drops every expired copy, not only the one looked up.
        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
        Assert.Null(cache.Find("9999"));
        await WaitUntil(() => cache.HeldCount == 0);

        Assert.Null(cache.Find("1001"));
        Assert.Null(cache.FindCredentials("1001"));
    }

    [Fact]
    public async Task RememberedCopies_AreBoundedByRememberedClients_AndOutliveTheLifetime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = NewCache(clock, rememberedClients: 3);
        var clientIds = Enumerable.Range(2000, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var clientId in clientIds)
        {
            AddClient(cache, clientId);
        }

        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
        // Over its size the remembered store refuses new copies and drops its oldest in the background.
        await WaitUntil(() => clientIds.Count(id => cache.FindRemembered(id) is not null) <= 3);

        var remembered = clientIds.Where(id => cache.FindRemembered(id) is not null).ToList();
        Assert.InRange(remembered.Count, 1, 3);
        Assert.All(remembered, id => Assert.NotNull(cache.FindRememberedCredentials(id)));
        Assert.All(clientIds, id => Assert.Null(cache.Find(id)));
    }

    [Fact]
    public void RememberedCopy_HoldsWhatAClientCredentialsRequestReads_NotThePagesColumns()
    {
        using var cache = NewCache(new FakeTimeProvider(DateTimeOffset.UtcNow), rememberedClients: 10); // stopped: nothing expires between the two look-ups
        var client = AddClient(cache, "3000");

        var remembered = cache.FindRemembered("3000");
        var cached = cache.Find("3000");

        Assert.NotNull(remembered);
        Assert.NotNull(cached);
        foreach (var copy in new[] { remembered, cached })
        {
            Assert.Equal(client.Id, copy.Id);
            Assert.Equal(client.ClientType, copy.ClientType);
            Assert.Equal(client.Permissions, copy.Permissions);
            Assert.Equal(client.Requirements, copy.Requirements);
            Assert.Equal(client.Settings, copy.Settings);
            Assert.Equal(client.DisplayName, copy.DisplayName);
            Assert.False(copy.IsEnabled);
        }

        Assert.Equal(client.RedirectUris, cached.RedirectUris);
        Assert.Equal(client.SearchText, cached.SearchText);
        Assert.Null(remembered.RedirectUris);
        Assert.Null(remembered.PostLogoutRedirectUris);
        Assert.Equal("", remembered.SearchText);
        Assert.Equal("", remembered.NormalizedName);
        Assert.NotSame(remembered, cache.FindRemembered("3000"));
    }

    private static AuthClientCache NewCache(TimeProvider clock, int rememberedClients) => new(
        Options.Create(new TokenPerformanceOptions { ClientCacheLifetime = Lifetime }),
        Options.Create(new ResilienceOptions { RememberedClients = rememberedClients }),
        new AuthClientsMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
        clock);

    private static AuthClientApplication AddClient(AuthClientCache cache, string clientId)
    {
        var client = new AuthClientApplication
        {
            ClientId = clientId,
            ClientType = "confidential",
            DisplayName = $"Client {clientId}",
            NormalizedName = $"CLIENT {clientId}",
            SearchText = $"client {clientId} https://app{clientId}.example",
            Permissions = """["ept:token","gt:client_credentials"]""",
            Requirements = "[]",
            Settings = """{"tkn_lft:act":"600"}""",
            RedirectUris = $"""["https://app{clientId}.example/callback"]""",
            PostLogoutRedirectUris = $"""["https://app{clientId}.example/"]""",
            IsEnabled = false,
        };
        cache.Add(client, new ClientCredentialSet([new ClientCredentialEntry($"credential-{clientId}", CredentialKind.Secret, "verifier", null, null, null)]), cache.Generation);
        return client;
    }

    /// <summary>Waits for the cache's background work (its scan, its compaction), for at most 10 s.</summary>
    private static Task WaitUntil(Func<bool> condition) =>
        Polling.Eventually(() => Task.FromResult(condition()), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), "the cache's background work did not happen");
}
