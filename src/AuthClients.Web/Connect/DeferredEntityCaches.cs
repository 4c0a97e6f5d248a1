using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's per-request entity caches, built on first use instead of with the request's
/// managers. Each of OpenIddict's four caches (applications, authorizations, scopes, tokens) builds
/// a <c>MemoryCache</c> and a dictionary of change signals in its constructor, and the managers that
/// take them are built for every token request, whether or not it ever asks a cache: about 6% of the
/// bytes a token request allocated in a round robin over 100,000 clients (an allocation trace,
/// docs/performance.md, nineteenth look). A request that never asks one now builds none; one that
/// does gets OpenIddict's own cache, built then, for the rest of the request. A cache belongs to one
/// request's scope, which asks it one call at a time.
/// </summary>
public abstract class DeferredEntityCache<TCache> : IDisposable where TCache : class, IDisposable
{
    private TCache? _cache;
    private bool _disposed;

    /// <summary>Whether OpenIddict's cache has been built: only once something asked it.</summary>
    internal bool IsBuilt => _cache is not null;

    /// <summary>OpenIddict's cache, built now if not yet; after the scope ended, refused as OpenIddict's own would be.</summary>
    protected TCache Cache
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _cache ??= Build();
        }
    }

    protected abstract TCache Build();

    public void Dispose()
    {
        _disposed = true;
        _cache?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class DeferredApplicationCache<TApplication>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictApplicationStore<TApplication> store)
    : DeferredEntityCache<OpenIddictApplicationCache<TApplication>>, IOpenIddictApplicationCache<TApplication> where TApplication : class
{
    protected override OpenIddictApplicationCache<TApplication> Build() => new(options, store);

    public ValueTask AddAsync(TApplication application, CancellationToken cancellationToken) => Cache.AddAsync(application, cancellationToken);

    public ValueTask<TApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByClientIdAsync(identifier, cancellationToken);

    public ValueTask<TApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) => Cache.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<TApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) => Cache.FindByRedirectUriAsync(uri, cancellationToken);

    public ValueTask RemoveAsync(TApplication application, CancellationToken cancellationToken) => Cache.RemoveAsync(application, cancellationToken);
}

public sealed class DeferredAuthorizationCache<TAuthorization>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictAuthorizationStore<TAuthorization> store)
    : DeferredEntityCache<OpenIddictAuthorizationCache<TAuthorization>>, IOpenIddictAuthorizationCache<TAuthorization> where TAuthorization : class
{
    protected override OpenIddictAuthorizationCache<TAuthorization> Build() => new(options, store);

    public ValueTask AddAsync(TAuthorization authorization, CancellationToken cancellationToken) => Cache.AddAsync(authorization, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindAsync(string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken) =>
        Cache.FindAsync(subject, client, status, type, scopes, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByApplicationIdAsync(identifier, cancellationToken);

    public ValueTask<TAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken) => Cache.FindBySubjectAsync(subject, cancellationToken);

    public ValueTask RemoveAsync(TAuthorization authorization, CancellationToken cancellationToken) => Cache.RemoveAsync(authorization, cancellationToken);
}

public sealed class DeferredScopeCache<TScope>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictScopeStore<TScope> store)
    : DeferredEntityCache<OpenIddictScopeCache<TScope>>, IOpenIddictScopeCache<TScope> where TScope : class
{
    protected override OpenIddictScopeCache<TScope> Build() => new(options, store);

    public ValueTask AddAsync(TScope scope, CancellationToken cancellationToken) => Cache.AddAsync(scope, cancellationToken);

    public ValueTask<TScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<TScope?> FindByNameAsync(string name, CancellationToken cancellationToken) => Cache.FindByNameAsync(name, cancellationToken);

    public IAsyncEnumerable<TScope> FindByNamesAsync(ImmutableArray<string> names, CancellationToken cancellationToken) => Cache.FindByNamesAsync(names, cancellationToken);

    public IAsyncEnumerable<TScope> FindByResourceAsync(string resource, CancellationToken cancellationToken) => Cache.FindByResourceAsync(resource, cancellationToken);

    public ValueTask RemoveAsync(TScope scope, CancellationToken cancellationToken) => Cache.RemoveAsync(scope, cancellationToken);
}

public sealed class DeferredTokenCache<TToken>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictTokenStore<TToken> store)
    : DeferredEntityCache<OpenIddictTokenCache<TToken>>, IOpenIddictTokenCache<TToken> where TToken : class
{
    protected override OpenIddictTokenCache<TToken> Build() => new(options, store);

    public ValueTask AddAsync(TToken token, CancellationToken cancellationToken) => Cache.AddAsync(token, cancellationToken);

    public IAsyncEnumerable<TToken> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        Cache.FindAsync(subject, client, status, type, cancellationToken);

    public IAsyncEnumerable<TToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByApplicationIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TToken> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByAuthorizationIdAsync(identifier, cancellationToken);

    public ValueTask<TToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<TToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByReferenceIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken) => Cache.FindBySubjectAsync(subject, cancellationToken);

    public ValueTask RemoveAsync(TToken token, CancellationToken cancellationToken) => Cache.RemoveAsync(token, cancellationToken);
}
