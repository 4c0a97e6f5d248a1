using AuthClients.Web.Connect;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Authorization;

/// <summary>
/// What the API checks on every call with a user's token, remembered for a moment: the user's
/// access (<see cref="UserAccess"/>: active, permissions, Super Admin) and whether the token's
/// authorization is still valid. Without it, each call reads the user, their permissions and the
/// authorization: three queries for a request that otherwise runs none.
/// <para>
/// A change made by this instance applies on the next call: any write to the tables behind these
/// answers moves <see cref="AccessChanges"/>, and an entry read before the move is not used again.
/// A change made by another instance (or straight in the database) applies once the entry expires,
/// within <see cref="TokenPerformanceOptions.UserAccessCacheLifetime"/>, as a deleted client does
/// through <see cref="Connect.AuthClientCache"/>. Only answers that let a request through are kept:
/// a refusal is read again each time.
/// </para>
/// </summary>
public sealed class AccessStateCache : IDisposable
{
    /// <summary>The <c>cache</c> tag of this cache's look-ups in <see cref="AuthClientsMetrics"/>.</summary>
    public const string MetricName = "user_access";

    private readonly AccessChanges _changes;
    private readonly AuthClientsMetrics _metrics;
    private readonly MemoryCache? _entries;
    private readonly TimeSpan _lifetime;

    public AccessStateCache(IOptions<TokenPerformanceOptions> options, AccessChanges changes, AuthClientsMetrics metrics, TimeProvider clock)
    {
        _changes = changes;
        _metrics = metrics;
        _lifetime = options.Value.EffectiveUserAccessCacheLifetime;
        if (_lifetime > TimeSpan.Zero)
        {
            _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.UserAccessCacheSize, Clock = new CacheClock(clock) });
        }
    }

    /// <summary>The user's access (null: gone), read through <paramref name="read"/> unless a current copy is remembered.</summary>
    public Task<UserAccess?> UserAsync(string userId, Func<Task<UserAccess?>> read) =>
        GetAsync("user:" + userId, read, access => access is { IsActive: true });

    /// <summary>Whether the authorization is valid, read through <paramref name="read"/> unless a current answer is remembered.</summary>
    public async Task<bool> AuthorizationIsValidAsync(string authorizationId, Func<Task<bool>> read) =>
        await GetAsync("authorization:" + authorizationId, async () => await read() ? Valid : null, valid => valid is not null) is not null;

    private static readonly object Valid = new();

    private async Task<T?> GetAsync<T>(string key, Func<Task<T?>> read, Func<T?, bool> keep) where T : class
    {
        if (_entries is null)
        {
            return await read();
        }

        // Taken before the read: a write that lands during it makes the entry stale at once.
        var generation = _changes.Generation;
        var hit = _entries.TryGetValue(key, out Entry<T>? entry) && entry!.Generation == generation;
        _metrics.CacheLookup(MetricName, hit);
        if (hit)
        {
            return entry!.Value;
        }

        var value = await read();
        if (keep(value))
        {
            _entries.Set(key, new Entry<T>(generation, value), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
        }

        return value;
    }

    private sealed record Entry<T>(long Generation, T? Value);

    public void Dispose() => _entries?.Dispose();
}
