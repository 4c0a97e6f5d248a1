using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// This instance's copies of clients (and of their credentials) by Client ID, so the token endpoint
/// and the API do not read the client's rows on every request. Every write through <see cref="AuthClientApplicationManager"/>
/// removes the client's copy at once; a change made by another instance is seen when the copy
/// expires (<see cref="TokenPerformanceOptions.ClientCacheLifetime"/>). Unknown Client IDs are not
/// cached: they cost a database read, as they do without the cache.
/// <para>
/// Each copy is also remembered for <see cref="RememberedFor"/>, unless
/// <see cref="ResilienceOptions.ServeDuringOutage"/> is off: only for a client-credentials token
/// request that finds the database unreachable (<see cref="AuthClientApplicationManager"/>). At most
/// <see cref="ResilienceOptions.RememberedClients"/> are remembered, as compact copies: only what
/// such a request reads.
/// </para>
/// </summary>
public sealed class AuthClientCache : IDisposable
{
    /// <summary>The <c>cache</c> tag of this cache's look-ups in <see cref="AuthClientsMetrics"/>: clients.</summary>
    public const string ClientsMetricName = "client";

    /// <summary>The <c>cache</c> tag of look-ups of clients' credentials.</summary>
    public const string CredentialsMetricName = "client_credentials";

    private readonly AuthClientsMetrics _metrics;
    private readonly MemoryCache? _entries;
    private readonly MemoryCache? _remembered;
    private readonly TimeSpan _lifetime;
    private long _generation;

    /// <summary>How long a client read from the database may serve client-credentials tokens during an outage: "read in the last few minutes".</summary>
    public static readonly TimeSpan RememberedFor = TimeSpan.FromMinutes(5);

    public AuthClientCache(IOptions<TokenPerformanceOptions> options, IOptions<ResilienceOptions> resilience, AuthClientsMetrics metrics, TimeProvider clock)
    {
        _metrics = metrics;
        _lifetime = options.Value.EffectiveClientCacheLifetime;
        if (_lifetime <= TimeSpan.Zero)
        {
            return;
        }

        // Two entries per client: the client and its credentials. MemoryCache drops expired entries
        // in a scan it starts at most once per ExpirationScanFrequency (a minute by default); until
        // then they stay reachable. In a round robin over 100,000 clients that kept a minute of
        // clients alive (1,000 to 2,500 a second) when 2 s of them are current: most of the heap's
        // growth under that load (docs/performance.md). Scanned at the lifetime, they go with it.
        _entries = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = 2L * options.Value.ClientCacheSize,
            ExpirationScanFrequency = _lifetime > MinimumScanInterval ? _lifetime : MinimumScanInterval,
            Clock = new CacheClock(clock),
        });
        if (resilience.Value.ServeDuringOutage > TimeSpan.Zero)
        {
            // One entry per client. Over its size, MemoryCache refuses a new entry and removes the oldest 5% in the background.
            _remembered = new MemoryCache(new MemoryCacheOptions { SizeLimit = resilience.Value.RememberedClients, Clock = new CacheClock(clock) });
        }
    }

    private static readonly TimeSpan MinimumScanInterval = TimeSpan.FromSeconds(1);

    public bool Enabled => _entries is not null;

    /// <summary>Entries held for the lifetime (clients and credentials), expired or not: what the memory holds.</summary>
    internal int HeldCount => _entries?.Count ?? 0;

    /// <summary>Changes whenever a client is written; a read started before a write does not fill the cache.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>A private copy of the cached client, which the caller may change or attach.</summary>
    public AuthClientApplication? Find(string clientId) =>
        Lookup<AuthClientApplication>(clientId, ClientsMetricName) is { } cached ? Copy(cached) : null;

    /// <summary>The client's credentials, shared (they are immutable).</summary>
    public ClientCredentialSet? FindCredentials(string clientId) =>
        Lookup<ClientCredentialSet>(CredentialsKey(clientId), CredentialsMetricName);

    /// <summary>The copy of the client read in the last <see cref="RememberedFor"/>, however old; only while the database cannot be reached.</summary>
    public AuthClientApplication? FindRemembered(string clientId) =>
        _remembered?.Get<RememberedClient>(clientId) is { } remembered ? Copy(remembered.Client) : null;

    /// <summary>The client's credentials as read in the last <see cref="RememberedFor"/>; only while the database cannot be reached.</summary>
    public ClientCredentialSet? FindRememberedCredentials(string clientId) =>
        _remembered?.Get<RememberedClient>(clientId)?.Credentials;

    /// <summary>An outage copy: the client as a client-credentials request reads it (<see cref="Compact"/>), and its credentials.</summary>
    private sealed record RememberedClient(AuthClientApplication Client, ClientCredentialSet Credentials);

    /// <summary>The cached entry, or null; each look-up counts as a hit or a miss for the operators' hit rate.</summary>
    private T? Lookup<T>(string key, string metricName) where T : class
    {
        if (_entries is null)
        {
            return null;
        }

        var hit = _entries.TryGetValue(key, out T? cached);
        _metrics.CacheLookup(metricName, hit);
        return cached;
    }

    /// <summary>
    /// Keeps a copy of <paramref name="application"/> and its credentials, read together from the
    /// database, unless a client was written since <paramref name="generation"/>. The credentials
    /// were not looked up here first: they count as a miss too, as the client did.
    /// </summary>
    public void Add(AuthClientApplication application, ClientCredentialSet credentials, long generation)
    {
        if (_entries is null || application.ClientId is not { } clientId)
        {
            return;
        }

        _metrics.CacheLookup(CredentialsMetricName, hit: false);
        Set(generation, new RememberedClient(Compact(application), credentials), (clientId, Copy(application)), (CredentialsKey(clientId), credentials));
    }

    /// <summary>Keeps the client's credentials (read again on their own), unless a client was written since <paramref name="generation"/>.</summary>
    public void AddCredentials(string clientId, ClientCredentialSet credentials, long generation)
    {
        var remembered = _remembered?.Get<RememberedClient>(clientId);
        Set(generation, remembered is null ? null : remembered with { Credentials = credentials }, (CredentialsKey(clientId), credentials));
    }

    /// <summary>Forgets the client: the next request reads its row.</summary>
    public void Remove(string? clientId)
    {
        if (_entries is null)
        {
            return;
        }

        // The generation first: a copy added from here on is dropped again by Set, which sees it moved.
        Interlocked.Increment(ref _generation);
        if (clientId is not null)
        {
            _entries.Remove(clientId);
            _entries.Remove(CredentialsKey(clientId));
            _remembered?.Remove(clientId);
        }
    }

    /// <summary>
    /// Keeps the copy unless a client was written since <paramref name="generation"/>, without a lock
    /// (a lock here queued every cache miss of a round robin over many clients behind one another):
    /// the copy is stored, then the generation is read again, and a write that moved it in between
    /// gets its copy removed here, or by <see cref="Remove"/> if that comes after the store.
    /// </summary>
    private void Set(long generation, RememberedClient? remembered, params ReadOnlySpan<(string Key, object Value)> entries)
    {
        if (_entries is null || generation != Generation)
        {
            return;
        }

        foreach (var (key, value) in entries)
        {
            _entries.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
        }

        if (remembered?.Client.ClientId is { } clientId)
        {
            _remembered?.Set(clientId, remembered, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RememberedFor });
        }

        if (generation != Generation)
        {
            foreach (var (key, _) in entries)
            {
                _entries.Remove(key);
            }

            if (remembered?.Client.ClientId is { } removed)
            {
                _remembered?.Remove(removed);
            }
        }
    }

    // Client IDs are digits: no client's key can look like another's credentials key.
    private static string CredentialsKey(string clientId) => "credentials:" + clientId;

    public void Dispose()
    {
        _entries?.Dispose();
        _remembered?.Dispose();
    }

    /// <summary>
    /// The client as a client-credentials token request reads it (type, permissions, requirements,
    /// settings, display name, whether it is enabled), for the outage copy: no redirect URIs, search
    /// text or other columns of the page, which a remembered client would otherwise keep for minutes.
    /// </summary>
    private static AuthClientApplication Compact(AuthClientApplication source) => new()
    {
        Id = source.Id,
        ApplicationType = source.ApplicationType,
        ClientId = source.ClientId,
        ClientType = source.ClientType,
        ConsentType = source.ConsentType,
        DisplayName = source.DisplayName,
        JsonWebKeySet = source.JsonWebKeySet,
        Permissions = source.Permissions,
        Requirements = source.Requirements,
        Settings = source.Settings,
        IsEnabled = source.IsEnabled,
    };

    /// <summary>Every column: <see cref="Compact"/> and the rest.</summary>
    private static AuthClientApplication Copy(AuthClientApplication source)
    {
        var copy = Compact(source);
        copy.ClientSecret = source.ClientSecret;
        copy.ConcurrencyToken = source.ConcurrencyToken;
        copy.DisplayNames = source.DisplayNames;
        copy.PostLogoutRedirectUris = source.PostLogoutRedirectUris;
        copy.Properties = source.Properties;
        copy.RedirectUris = source.RedirectUris;
        copy.Number = source.Number;
        copy.NormalizedName = source.NormalizedName;
        copy.PrimaryRedirectUri = source.PrimaryRedirectUri;
        copy.SearchText = source.SearchText;
        copy.CreatedAt = source.CreatedAt;
        copy.CreatedById = source.CreatedById;
        copy.LastUsedAt = source.LastUsedAt;
        copy.LastUsedFrom = source.LastUsedFrom;
        return copy;
    }
}
