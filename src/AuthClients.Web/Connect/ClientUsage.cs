using System.Collections.Concurrent;

namespace AuthClients.Web.Connect;

/// <summary>
/// When and from where each client and credential was last used, gathered in memory: recording a
/// use is a dictionary write, never a database write. <see cref="ClientUsageFlush"/> writes what was
/// gathered in one batch every <c>AuthClients:Credentials:LastUsedFlushInterval</c> and when the app stops.
/// </summary>
public sealed class ClientUsage(IHttpContextAccessor http, TimeProvider clock)
{
    /// <summary>A use not yet written. Times are to the minute: a later use in the same minute changes nothing worth a write.</summary>
    public sealed record Use(DateTime At, string? From);

    private ConcurrentDictionary<string, Use> _clients = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, Use> _credentials = new(StringComparer.Ordinal);

    /// <summary>Records that the client (by <c>Id</c>) authenticated with the credential, now, from the request's address.</summary>
    public void Record(string applicationId, string? credentialId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var use = new Use(new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc), http.HttpContext?.Connection.RemoteIpAddress?.ToString());
        Keep(_clients, applicationId, use);
        if (credentialId is not null)
        {
            Keep(_credentials, credentialId, use);
        }
    }

    /// <summary>Takes what was gathered since the last call; uses recorded meanwhile go to the next batch.</summary>
    public (IReadOnlyDictionary<string, Use> Clients, IReadOnlyDictionary<string, Use> Credentials) TakeBatch() =>
        (Interlocked.Exchange(ref _clients, new(StringComparer.Ordinal)), Interlocked.Exchange(ref _credentials, new(StringComparer.Ordinal)));

    /// <summary>Puts back a batch that could not be written, keeping the later of two uses.</summary>
    public void Return(IReadOnlyDictionary<string, Use> clients, IReadOnlyDictionary<string, Use> credentials)
    {
        foreach (var (id, use) in clients)
        {
            Keep(_clients, id, use);
        }

        foreach (var (id, use) in credentials)
        {
            Keep(_credentials, id, use);
        }
    }

    private static void Keep(ConcurrentDictionary<string, Use> uses, string id, Use use) =>
        uses.AddOrUpdate(id, use, (_, existing) => existing.At > use.At || (existing.At == use.At && existing.From == use.From) ? existing : use);
}
