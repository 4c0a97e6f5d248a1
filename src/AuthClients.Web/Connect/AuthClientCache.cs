using AuthClients.Web.Data.Entities;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// This instance's copies of clients by Client ID, so the token endpoint and the API do not read
/// the client's row on every request. Every write through <see cref="AuthClientApplicationManager"/>
/// removes the client's copy at once; a change made by another instance is seen when the copy
/// expires (<see cref="TokenPerformanceOptions.ClientCacheLifetime"/>). Unknown Client IDs are not
/// cached: they cost a database read, as they do without the cache.
/// </summary>
public sealed class AuthClientCache : IDisposable
{
    private readonly MemoryCache? _entries;
    private readonly TimeSpan _lifetime;
    private long _generation;

    public AuthClientCache(IOptions<TokenPerformanceOptions> options)
    {
        _lifetime = options.Value.EffectiveClientCacheLifetime;
        if (_lifetime > TimeSpan.Zero)
        {
            _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.ClientCacheSize });
        }
    }

    public bool Enabled => _entries is not null;

    /// <summary>Changes whenever a client is written; a read started before a write does not fill the cache.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>A private copy of the cached client, which the caller may change or attach.</summary>
    public AuthClientApplication? Find(string clientId) =>
        _entries is not null && _entries.TryGetValue(clientId, out AuthClientApplication? cached) ? Copy(cached!) : null;

    /// <summary>Keeps a copy of <paramref name="application"/>, unless a client was written since <paramref name="generation"/>.</summary>
    public void Add(AuthClientApplication application, long generation)
    {
        if (_entries is null || application.ClientId is not { } clientId)
        {
            return;
        }

        var copy = Copy(application);
        lock (_entries)
        {
            if (generation == Generation)
            {
                _entries.Set(clientId, copy, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
            }
        }
    }

    /// <summary>Forgets the client: the next request reads its row.</summary>
    public void Remove(string? clientId)
    {
        if (_entries is null)
        {
            return;
        }

        lock (_entries)
        {
            Interlocked.Increment(ref _generation);
            if (clientId is not null)
            {
                _entries.Remove(clientId);
            }
        }
    }

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
        ProtectedSecret = source.ProtectedSecret,
    };
}
