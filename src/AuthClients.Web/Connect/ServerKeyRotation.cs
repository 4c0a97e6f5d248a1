using AuthClients.Web.Hosting;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace AuthClients.Web.Connect;

/// <summary>
/// Hourly: creates the next signing key when it is due, and reloads OpenIddict's keys when the
/// set in the database changed (a key created here or by another instance, or one that expired),
/// so a long-running instance rotates without a restart.
/// </summary>
internal sealed partial class ServerKeyRotation(
    ServerKeyStore keys,
    IServiceScopeFactory scopes,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptions,
    IOptionsMonitorCache<OpenIddictValidationOptions> validationOptions,
    TimeProvider clock,
    ILogger<ServerKeyRotation> logger) : PeriodicBackgroundService(clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override TimeSpan Period => Interval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loaded = await LoadedKeyIdsAsync(stoppingToken);
        while (await Timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.EnsureKeysAsync(stoppingToken);
                var current = await CurrentKeyIdsAsync(stoppingToken);
                if (!current.SetEquals(loaded))
                {
                    serverOptions.TryRemove(Options.DefaultName);
                    validationOptions.TryRemove(Options.DefaultName);
                    loaded = current;
                    LogKeysReloaded(logger, current.Count);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRotationFailed(logger, exception);
            }
        }
    }

    /// <summary>
    /// The keys at start-up. With Database:MigrateOnStartup=false the tables may not exist yet: an
    /// empty set then, and the first tick loads what the database has by then.
    /// </summary>
    private async Task<HashSet<string>> LoadedKeyIdsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CurrentKeyIdsAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException)
        {
            return [];
        }
    }

    private async Task<HashSet<string>> CurrentKeyIdsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = Clock.GetUtcNow().UtcDateTime;
        var ids = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ServerKeys
            .Where(k => k.NotAfter > now).Select(k => k.Id).ToListAsync(cancellationToken);
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Authorization server keys reloaded: {Count} keys in force or published.")]
    private static partial void LogKeysReloaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the authorization server keys failed; retrying in an hour.")]
    private static partial void LogRotationFailed(ILogger logger, Exception exception);
}
