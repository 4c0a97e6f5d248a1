using AuthClients.Web.Data.Entities;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's application manager with two changes for the token endpoint:
/// <list type="bullet">
/// <item>Client secret verifiers are HMAC-SHA256 with a server key (<see cref="ClientSecretHasher"/>)
/// instead of PBKDF2; PBKDF2 verifiers still work and are rewritten on their first successful use.</item>
/// <item>Clients found by Client ID come from <see cref="AuthClientCache"/>; every write through this
/// manager (the Auth Clients page, the API) removes the client from it at once.</item>
/// </list>
/// </summary>
public sealed partial class AuthClientApplicationManager(
    IOpenIddictApplicationCache<AuthClientApplication> cache,
    ILogger<OpenIddictApplicationManager<AuthClientApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<AuthClientApplication> store,
    AuthClientCache clients,
    ClientSecretHasher hasher,
    IOptions<TokenPerformanceOptions> performance)
    : OpenIddictApplicationManager<AuthClientApplication>(cache, logger, options, store)
{
    // Clients this request has read from the database: their secret was checked against the row itself.
    private readonly HashSet<string> _readInThisScope = new(StringComparer.Ordinal);

    // One copy per client per request: OpenIddict asks for the client several times in one token request.
    private readonly Dictionary<string, AuthClientApplication> _foundInThisScope = new(StringComparer.Ordinal);

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
        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        if (application is not null)
        {
            _readInThisScope.Add(identifier);
            _foundInThisScope[identifier] = application;
            clients.Add(application, generation);
        }

        return application;
    }

    public override async ValueTask<bool> ValidateClientSecretAsync(AuthClientApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var valid = await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        if (!valid && clients.Enabled && application.ClientId is { } clientId && !_readInThisScope.Contains(clientId))
        {
            // The copy may be older than a secret regenerated on another instance: ask the row.
            // A wrong secret thus costs one database read, like an unknown Client ID.
            var generation = clients.Generation;
            var current = await Store.FindByClientIdAsync(clientId, cancellationToken);
            _readInThisScope.Add(clientId);
            if (current is not null)
            {
                _foundInThisScope[clientId] = current;
                clients.Add(current, generation);
                valid = await base.ValidateClientSecretAsync(current, secret, cancellationToken);
                application = current;
            }
        }

        if (valid && performance.Value.EffectiveUpgradeVerifiersOnUse && !ClientSecretHasher.IsHmacVerifier(application.ClientSecret))
        {
            await UpgradeVerifierAsync(application, secret, cancellationToken);
        }

        return valid;
    }

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
        }
    }

    private async Task UpgradeVerifierAsync(AuthClientApplication application, string secret, CancellationToken cancellationToken)
    {
        try
        {
            // The tracked row, not a cached copy: the write must carry the row's concurrency token.
            var row = await Store.FindByIdAsync(application.Id!, cancellationToken);
            if (row is null || ClientSecretHasher.IsHmacVerifier(row.ClientSecret))
            {
                return;
            }

            await UpdateAsync(row, secret, cancellationToken);
            LogVerifierUpgraded(Logger, row.ClientId);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            // Changed meanwhile (an edit, or the same upgrade on another request): the next use tries again.
        }
        catch (Exception exception) when (exception is System.ComponentModel.DataAnnotations.ValidationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // The secret was right: the upgrade is a bonus and must not fail the request.
            LogVerifierUpgradeFailed(Logger, application.ClientId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The PBKDF2 secret verifier of client {ClientId} could not be upgraded; it keeps working as it is.")]
    private static partial void LogVerifierUpgradeFailed(ILogger logger, string? clientId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The secret verifier of client {ClientId} was upgraded from PBKDF2 to HMAC-SHA256.")]
    private static partial void LogVerifierUpgraded(ILogger logger, string? clientId);
}
