using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Core;
using Microsoft.AspNetCore;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's application manager with two changes for the token endpoint:
/// <list type="bullet">
/// <item>A client's secrets and public keys are its <see cref="AuthClientCredential"/> rows, several
/// at once, each with an expiry and a revocation; OpenIddict's own <c>ClientSecret</c> column holds a
/// verifier no secret matches (OpenIddict requires one of a confidential client) and is never checked.</item>
/// <item>Client secret verifiers are HMAC-SHA256 with a server key (<see cref="ClientSecretHasher"/>)
/// instead of PBKDF2; PBKDF2 verifiers still work and are rewritten on their first successful use.</item>
/// <item>Each successful authentication is recorded in memory (<see cref="ClientUsage"/>), never written per request.</item>
/// <item>Clients found by Client ID come from <see cref="AuthClientCache"/>; every write through this
/// manager (the Auth Clients page, the API) removes the client from it at once.</item>
/// <item>A client-credentials token request that cannot reach the database uses the client as this
/// instance last read it (<see cref="AuthClientCache.FindRemembered"/>), for the first
/// <see cref="ResilienceOptions.ServeDuringOutage"/> of an outage.</item>
/// </list>
/// </summary>
public sealed partial class AuthClientApplicationManager(
    IOpenIddictApplicationCache<AuthClientApplication> cache,
    ILogger<OpenIddictApplicationManager<AuthClientApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<AuthClientApplication> store,
    AuthClientCache clients,
    ClientSecretHasher hasher,
    IOptions<TokenPerformanceOptions> performance,
    AppDbContext db,
    ClientUsage usage,
    IHttpContextAccessor http,
    DatabaseOutage outage,
    TimeProvider clock)
    : OpenIddictApplicationManager<AuthClientApplication>(cache, logger, options, store)
{
    /// <summary>The <c>HttpContext.Items</c> key of why a right secret was refused (a <see cref="RefusedSecret"/>).</summary>
    public const string RefusedCredentialItem = "AuthClients.RefusedCredential";

    /// <summary>A right secret that was refused, and why: as the Warning log line says it, "revoked secret {id}".</summary>
    public sealed record RefusedSecret(CredentialRefusal Refusal, string CredentialId)
    {
        public override string ToString() => $"{Refusal.ToString().ToLowerInvariant()} secret {CredentialId}";
    }

    // Clients this request has read from the database: their secret was checked against the row itself.
    private readonly HashSet<string> _readInThisScope = new(StringComparer.Ordinal);

    // One copy per client per request: OpenIddict asks for the client several times in one token request.
    private readonly Dictionary<string, AuthClientApplication> _foundInThisScope = new(StringComparer.Ordinal);

    private readonly Dictionary<string, ClientCredentialSet> _credentialsInThisScope = new(StringComparer.Ordinal);

    public override async ValueTask<AuthClientApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if (!clients.Enabled)
        {
            return await base.FindByClientIdAsync(identifier, cancellationToken);
        }

        if (_foundInThisScope.TryGetValue(identifier, out var found))
        {
            return found;
        }

        if (clients.Find(identifier) is { } cached)
        {
            _foundInThisScope[identifier] = cached;
            return cached;
        }

        var generation = clients.Generation;
        ClientRows? rows;
        try
        {
            rows = await ClientWithCredentials.RunAsync(db, identifier, cancellationToken);
        }
        catch (Exception fault) when (MayServeFromCopy(fault) && clients.FindRemembered(identifier) is { } remembered)
        {
            _foundInThisScope[identifier] = remembered;
            return remembered;
        }

        // As OpenIddict's own look-up does: a database that compares case-insensitively must not find "ABC" for "abc".
        if (rows is not { Application: var application } || !string.Equals(application.ClientId, identifier, StringComparison.Ordinal))
        {
            return null;
        }

        var credentials = new ClientCredentialSet([.. rows.Credentials.Select(ClientCredentialEntry.From)]);
        _readInThisScope.Add(identifier);
        _foundInThisScope[identifier] = application;
        _credentialsInThisScope[identifier] = credentials;
        clients.Add(application, credentials, generation);
        return application;
    }

    /// <summary>A client and all its credentials, as one query reads them.</summary>
    private sealed record ClientRows(AuthClientApplication Application, List<AuthClientCredential> Credentials);

    /// <summary>
    /// A cache miss reads the client and its credentials in one compiled, untracked query (every
    /// caller only reads the client; the cache's copies are untracked too). Two queries through
    /// OpenIddict's store and EF Core's LINQ pipeline were about 30% of a token's CPU in a round
    /// robin over 100,000 clients (perf, docs/performance.md). On PostgreSQL it is prepared
    /// (<see cref="PreparedGrantStatements"/>): a lookup by key, whose plan no Client ID changes,
    /// that PostgreSQL otherwise parsed and planned on every miss.
    /// </summary>
    private static readonly PerModelQuery<string, ClientRows?> ClientWithCredentials = new((context, id, _) =>
        context.AuthClients.AsNoTracking().TagWith(PreparedGrantStatements.Tag)
            .Where(a => a.ClientId == id)
            .Select(a => new ClientRows(a, context.AuthClientCredentials.Where(c => c.ApplicationId == a.Id).ToList()))
            .FirstOrDefault());

    /// <summary>
    /// True when <paramref name="secret"/> is one of the client's active secrets (<see cref="AuthClientCredential"/>).
    /// An expired or revoked secret is refused like a wrong one; the reason is logged for the administrator.
    /// </summary>
    public override async ValueTask<bool> ValidateClientSecretAsync(AuthClientApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var clientId = application.ClientId!;
        var credentials = await CredentialsOfAsync(application, cancellationToken);
        var (match, refusal) = await MatchAsync(credentials, secret, cancellationToken);
        if (match is null && await CredentialsReadAgainAsync(application, cancellationToken) is { } fresh)
        {
            // The copy may be older than a secret made on another instance: ask the rows.
            // A wrong secret thus costs one database read, like an unknown Client ID.
            (match, refusal) = await MatchAsync(fresh, secret, cancellationToken);
        }

        if (match is null)
        {
            return false;
        }

        if (refusal != CredentialRefusal.None)
        {
            // Answered as a wrong secret; ProtocolErrorHandler's warning names the reason for the administrator.
            if (http.HttpContext is { } request)
            {
                request.Items[RefusedCredentialItem] = new RefusedSecret(refusal, match.Id);
            }

            return false;
        }

        usage.Record(application.Id!, match.Id);
        if (performance.Value.EffectiveUpgradeVerifiersOnUse && !ClientSecretHasher.IsHmacVerifier(match.SecretVerifier))
        {
            await UpgradeVerifierAsync(clientId, match, secret, cancellationToken);
        }

        return true;
    }

    /// <summary>The public keys a client assertion of this client may be signed with: its active public-key credentials.</summary>
    public override async ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(AuthClientApplication application, CancellationToken cancellationToken = default)
    {
        var keys = (await CredentialsOfAsync(application, cancellationToken)).ActivePublicKeys(clock.GetUtcNow().UtcDateTime);
        return keys.Keys.Count == 0 ? null : keys;
    }

    /// <summary>The client's credentials: this request's copy, the cache's, or the rows.</summary>
    public async ValueTask<ClientCredentialSet> CredentialsOfAsync(AuthClientApplication application, CancellationToken cancellationToken = default)
    {
        var clientId = application.ClientId!;
        if (_credentialsInThisScope.TryGetValue(clientId, out var credentials))
        {
            return credentials;
        }

        if (clients.FindCredentials(clientId) is { } cached)
        {
            _credentialsInThisScope[clientId] = cached;
            return cached;
        }

        var generation = clients.Generation;
        try
        {
            credentials = await ReadCredentialsAsync(application, cancellationToken);
        }
        catch (Exception fault) when (MayServeFromCopy(fault) && clients.FindRememberedCredentials(clientId) is { } remembered)
        {
            _credentialsInThisScope[clientId] = remembered;
            return remembered;
        }

        clients.AddCredentials(clientId, credentials, generation);
        return credentials;
    }

    /// <summary>
    /// True for a client-credentials token request that could not reach the database, early enough
    /// in the outage: the only request a remembered copy answers (docs/security.md says what that allows).
    /// Every other request, and this one once the outage is older, gets 503 (<see cref="DatabaseOutageAnswers"/>).
    /// </summary>
    private bool MayServeFromCopy(Exception fault) =>
        DatabaseFaults.IsUnavailable(fault)
        && http.HttpContext?.GetOpenIddictServerRequest() is { } request && request.IsClientCredentialsGrantType()
        && outage.MayServeFromCopy(outage.GaveUp(fault));

    /// <summary>
    /// The client's credentials read from the rows, when this request has only seen the cache's copy
    /// (which may predate a secret or key made on another instance); null when it has read them already.
    /// The rows replace the copy, in the cache and for the rest of the request.
    /// </summary>
    public async ValueTask<ClientCredentialSet?> CredentialsReadAgainAsync(AuthClientApplication application, CancellationToken cancellationToken = default)
    {
        var clientId = application.ClientId!;
        if (!clients.Enabled || !_readInThisScope.Add(clientId))
        {
            return null;
        }

        var generation = clients.Generation;
        ClientCredentialSet credentials;
        try
        {
            credentials = await ReadCredentialsAsync(application, cancellationToken);
        }
        catch (Exception fault) when (MayServeFromCopy(fault))
        {
            // During the outage the copy already checked is all there is: a wrong secret stays a
            // wrong secret (invalid_client, counted by the throttle), not a 503 a guesser could ignore.
            return null;
        }

        clients.AddCredentials(clientId, credentials, generation);
        return credentials;
    }

    /// <summary>A verifier for a new secret, written the way this server writes them (HMAC, or PBKDF2 in the baseline).</summary>
    public ValueTask<string> HashSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        ObfuscateClientSecretAsync(secret, cancellationToken);

    public override async ValueTask CreateAsync(AuthClientApplication application, string? secret, CancellationToken cancellationToken = default)
    {
        await base.CreateAsync(application, secret, cancellationToken);
        Forget(application.ClientId);
    }

    /// <remarks>Every other update overload ends here.</remarks>
    public override async ValueTask UpdateAsync(AuthClientApplication application, CancellationToken cancellationToken = default)
    {
        Forget(application.ClientId);
        await base.UpdateAsync(application, cancellationToken);
        Forget(application.ClientId);
    }

    public override async ValueTask DeleteAsync(AuthClientApplication application, CancellationToken cancellationToken = default)
    {
        Forget(application.ClientId);
        await base.DeleteAsync(application, cancellationToken);
        Forget(application.ClientId);
    }

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        hasher.WritesHmac ? ValueTask.FromResult(hasher.HashHmac(secret)) : base.ObfuscateClientSecretAsync(secret, cancellationToken);

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default) =>
        ClientSecretHasher.IsHmacVerifier(comparand)
            ? ValueTask.FromResult(hasher.VerifyHmac(secret, comparand))
            : base.ValidateClientSecretAsync(secret, comparand, cancellationToken);

    private void Forget(string? clientId)
    {
        clients.Remove(clientId);
        if (clientId is not null)
        {
            _foundInThisScope.Remove(clientId);
            _credentialsInThisScope.Remove(clientId);
        }
    }

    private async Task<ClientCredentialSet> ReadCredentialsAsync(AuthClientApplication application, CancellationToken cancellationToken)
    {
        var rows = await db.AuthClientCredentials.AsNoTracking().Where(c => c.ApplicationId == application.Id).ToListAsync(cancellationToken);
        var credentials = new ClientCredentialSet([.. rows.Select(ClientCredentialEntry.From)]);
        _credentialsInThisScope[application.ClientId!] = credentials;
        return credentials;
    }

    /// <summary>
    /// The secret credential <paramref name="secret"/> matches, and why it may not be used (none when it may).
    /// Active secrets are tried first; the others only when none matched, to tell the administrator why.
    /// </summary>
    private async ValueTask<(ClientCredentialEntry? Match, CredentialRefusal Refusal)> MatchAsync(ClientCredentialSet credentials, string secret, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var active in new[] { true, false })
        {
            foreach (var entry in credentials.Secrets.Where(e => (e.RefusalAt(now) == CredentialRefusal.None) == active))
            {
                if (await ValidateClientSecretAsync(secret, entry.SecretVerifier!, cancellationToken))
                {
                    return (entry, entry.RefusalAt(now));
                }
            }
        }

        if (!credentials.Secrets.Any())
        {
            // No secret to compare (a client with public keys only): spend what a comparison costs.
            hasher.SpendFailedCheck(secret);
        }

        return (null, CredentialRefusal.None);
    }

    private async Task UpgradeVerifierAsync(string clientId, ClientCredentialEntry credential, string secret, CancellationToken cancellationToken)
    {
        try
        {
            // Only if the row still holds the verifier just checked: a concurrent upgrade or rotation wins.
            var upgraded = hasher.HashHmac(secret);
            var changed = await db.AuthClientCredentials
                .Where(c => c.Id == credential.Id && c.SecretVerifier == credential.SecretVerifier)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.SecretVerifier, upgraded), cancellationToken);
            Forget(clientId);
            if (changed > 0)
            {
                LogVerifierUpgraded(Logger, clientId);
            }
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException exception)
        {
            // The secret was right: the upgrade is a bonus and must not fail the request.
            LogVerifierUpgradeFailed(Logger, clientId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The PBKDF2 secret verifier of client {ClientId} could not be upgraded; it keeps working as it is.")]
    private static partial void LogVerifierUpgradeFailed(ILogger logger, string? clientId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The secret verifier of client {ClientId} was upgraded from PBKDF2 to HMAC-SHA256.")]
    private static partial void LogVerifierUpgraded(ILogger logger, string? clientId);
}
