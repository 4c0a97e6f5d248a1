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
/// request that finds the database unreachable (<see cref="AuthClientApplicationManager"/>).
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
    private readonly TimeSpan _lifetime;
    private readonly bool _remembers;
    private long _generation;

    /// <summary>How long a client read from the database may serve client-credentials tokens during an outage: "read in the last few minutes".</summary>
    public static readonly TimeSpan RememberedFor = TimeSpan.FromMinutes(5);

    public AuthClientCache(IOptions<TokenPerformanceOptions> options, IOptions<ResilienceOptions> resilience, AuthClientsMetrics metrics)
    {
        _metrics = metrics;
        _lifetime = options.Value.EffectiveClientCacheLifetime;
        _remembers = resilience.Value.ServeDuringOutage > TimeSpan.Zero;
        if (_lifetime > TimeSpan.Zero)
        {
            // Two entries per client (the client and its credentials), twice when they are also remembered.
            _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = (_remembers ? 4L : 2L) * options.Value.ClientCacheSize });
        }
    }

    public bool Enabled => _entries is not null;

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
        _entries?.Get<AuthClientApplication>(RememberedKey(clientId)) is { } remembered ? Copy(remembered) : null;

    /// <summary>The client's credentials as read in the last <see cref="RememberedFor"/>; only while the database cannot be reached.</summary>
    public ClientCredentialSet? FindRememberedCredentials(string clientId) =>
        _entries?.Get<ClientCredentialSet>(RememberedKey(CredentialsKey(clientId)));

    /// <summary>
    /// Counts the credentials of a client that missed as a miss too: they were read from the
    /// database with the client (<see cref="AuthClientApplicationManager"/>), without a look-up here.
    /// </summary>
    public void CountCredentialsReadWithClient()
    {
        if (_entries is not null)
        {
            _metrics.CacheLookup(CredentialsMetricName, hit: false);
        }
    }

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

    /// <summary>Keeps a copy of <paramref name="application"/>, unless a client was written since <paramref name="generation"/>.</summary>
    public void Add(AuthClientApplication application, long generation)
    {
        if (application.ClientId is { } clientId)
        {
            Set(clientId, Copy(application), generation);
        }
    }

    /// <summary>Keeps the client's credentials, unless a client was written since <paramref name="generation"/>.</summary>
    public void AddCredentials(string clientId, ClientCredentialSet credentials, long generation) =>
        Set(CredentialsKey(clientId), credentials, generation);

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
            foreach (var key in new[] { clientId, CredentialsKey(clientId) })
            {
                _entries.Remove(key);
                _entries.Remove(RememberedKey(key));
            }
        }
    }

    /// <summary>
    /// Keeps the copy unless a client was written since <paramref name="generation"/>, without a lock
    /// (a lock here queued every cache miss of a round robin over many clients behind one another):
    /// the copy is stored, then the generation is read again, and a write that moved it in between
    /// gets its copy removed here, or by <see cref="Remove"/> if that comes after the store.
    /// </summary>
    private void Set(string key, object value, long generation)
    {
        if (_entries is null || generation != Generation)
        {
            return;
        }

        _entries.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
        if (_remembers)
        {
            _entries.Set(RememberedKey(key), value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RememberedFor });
        }

        if (generation != Generation)
        {
            _entries.Remove(key);
            _entries.Remove(RememberedKey(key));
        }
    }

    // Client IDs are digits: no client's key can look like another's credentials key.
    private static string CredentialsKey(string clientId) => "credentials:" + clientId;

    private static string RememberedKey(string key) => "remembered:" + key;

    public void Dispose() => _entries?.Dispose();

    private static AuthClientApplication Copy(AuthClientApplication source) => new()
    {
        Id = source.Id,
        ApplicationType = source.ApplicationType,
        ClientId = source.ClientId,
        ClientSecret = source.ClientSecret,
        ClientType = source.ClientType,
        ConcurrencyToken = source.ConcurrencyToken,
        ConsentType = source.ConsentType,
        DisplayName = source.DisplayName,
        DisplayNames = source.DisplayNames,
        JsonWebKeySet = source.JsonWebKeySet,
        Permissions = source.Permissions,
        PostLogoutRedirectUris = source.PostLogoutRedirectUris,
        Properties = source.Properties,
        RedirectUris = source.RedirectUris,
        Requirements = source.Requirements,
        Settings = source.Settings,
        Number = source.Number,
        NormalizedName = source.NormalizedName,
        PrimaryRedirectUri = source.PrimaryRedirectUri,
        SearchText = source.SearchText,
        CreatedAt = source.CreatedAt,
        CreatedById = source.CreatedById,
        IsEnabled = source.IsEnabled,
        LastUsedAt = source.LastUsedAt,
        LastUsedFrom = source.LastUsedFrom,
    };
}
