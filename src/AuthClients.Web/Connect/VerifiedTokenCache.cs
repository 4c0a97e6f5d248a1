using System.Security.Claims;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Remembers, for a while, the claims of access tokens whose signature this instance has already
/// checked, keyed by the whole token string, so an API client that reuses its token (as it should)
/// is not charged an ECDSA verification per call. Only the signature check is skipped: expiry,
/// audience, the token's database entry or its client (<see cref="ClientAccessTokenValidator"/>)
/// and the user's state are checked on every request as before.
/// </summary>
public sealed class VerifiedTokenCache : IDisposable
{
    /// <summary>The <c>cache</c> tag of this cache's look-ups in <see cref="AuthClientsMetrics"/>.</summary>
    public const string MetricName = "access_token";

    private readonly AuthClientsMetrics _metrics;
    private readonly MemoryCache? _entries;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;

    public VerifiedTokenCache(IOptions<TokenPerformanceOptions> options, AuthClientsMetrics metrics, TimeProvider clock)
    {
        _metrics = metrics;
        _clock = clock;
        _lifetime = options.Value.EffectiveVerifiedTokenCacheLifetime;
        if (_lifetime > TimeSpan.Zero)
        {
            _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.VerifiedTokenCacheSize, Clock = new CacheClock(clock) });
        }
    }

    /// <summary>Before OpenIddict checks the signature: a token seen before gets a copy of its claims.</summary>
    public static OpenIddictValidationHandlerDescriptor LookupDescriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<Lookup>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    /// <summary>Right after OpenIddict has checked the signature, before its claims are mapped.</summary>
    public static OpenIddictValidationHandlerDescriptor StoreDescriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<Store>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public void Dispose() => _entries?.Dispose();

    /// <summary>True when the signature of <paramref name="token"/> is remembered as good.</summary>
    internal bool Remembers(string token) => _entries?.TryGetValue(token, out _) == true;

    private bool TryGet(string token, out ClaimsPrincipal? principal)
    {
        principal = null;
        if (_entries is null)
        {
            return false;
        }

        var hit = _entries.TryGetValue(token, out ClaimsPrincipal? cached);
        _metrics.CacheLookup(MetricName, hit);
        if (!hit)
        {
            return false;
        }

        principal = DeepCopy(cached!);
        return true;
    }

    private void Add(string token, ClaimsPrincipal principal)
    {
        if (_entries is null)
        {
            return;
        }

        // Before OpenIddict maps its claims the expiry is still the JWT's own "exp".
        var expires = principal.GetClaim(OpenIddictConstants.Claims.ExpiresAt) is { } exp && long.TryParse(exp, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : principal.GetExpirationDate();
        var now = _clock.GetUtcNow();
        var until = now + _lifetime;
        if (expires is null || expires <= now)
        {
            return;
        }

        _entries.Set(token, DeepCopy(principal), new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpiration = expires < until ? expires : until,
        });
    }

    /// <summary>
    /// A copy with its own identities: <see cref="ClaimsPrincipal.Clone"/> shares them, and the
    /// handlers after this one add claims to the identity (the user's current permissions), which
    /// on a shared copy would pile up across requests and race between concurrent ones.
    /// </summary>
    private static ClaimsPrincipal DeepCopy(ClaimsPrincipal principal) => new(principal.Identities.Select(identity => identity.Clone()));

    private const string FromCache = "authclients:verified-token-from-cache";

    public sealed class Lookup(VerifiedTokenCache cache) : IOpenIddictValidationHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.Principal is null && !string.IsNullOrEmpty(context.Token) && cache.TryGet(context.Token, out var principal))
            {
                context.Principal = principal;
                context.Transaction.Properties[FromCache] = true;
            }

            return ValueTask.CompletedTask;
        }
    }

    public sealed class Store(VerifiedTokenCache cache) : IOpenIddictValidationHandler<ValidateTokenContext>
    {
        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (!context.IsRejected && context.Principal is { } principal && !string.IsNullOrEmpty(context.Token) &&
                !context.Transaction.Properties.ContainsKey(FromCache))
            {
                cache.Add(context.Token, principal);
            }

            return ValueTask.CompletedTask;
        }
    }
}
