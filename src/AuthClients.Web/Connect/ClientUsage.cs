using System.Collections.Concurrent;
using System.Net;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// When and from where each client and credential was last used, gathered in memory: recording a
/// use is a dictionary look-up (and a write when the minute or the address changed), never a
/// database write. <see cref="ClientUsageFlush"/> writes what was gathered in one batch every
/// <c>AuthClients:Credentials:LastUsedFlushInterval</c> and when the app stops.
/// </summary>
public sealed class ClientUsage(IHttpContextAccessor http, TimeProvider clock, IOptions<CredentialOptions> options)
{
    /// <summary>A use not yet written. Times are to the minute: a later use in the same minute changes nothing worth a write.</summary>
    public sealed record Use(DateTime At, string? From);

    private const string MappedIPv4Prefix = "::ffff:";

    private readonly bool _enabled = options.Value.TrackLastUsed;
    private readonly ConcurrentDictionary<string, Use> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Use> _credentials = new(StringComparer.Ordinal);

    /// <summary>False with <c>AuthClients:Credentials:TrackLastUsed=false</c>: nothing is recorded.</summary>
    public bool Enabled => _enabled;

    /// <summary>Clients and credentials with a use not yet written.</summary>
    public int PendingCount => _clients.Count + _credentials.Count;

    /// <summary>
    /// Records that the client (by <c>Id</c>) authenticated with the credential (none for a public
    /// client), now, from the request's address (after the forwarded-headers middleware, so a
    /// configured proxy's <c>X-Forwarded-For</c>). Allocates nothing when both already hold this
    /// minute and this address, the usual case under load.
    /// </summary>
    public void Record(string applicationId, string? credentialId)
    {
        if (!_enabled)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var minute = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
        var address = http.HttpContext?.Connection.RemoteIpAddress;
        Span<char> text = stackalloc char[64];
        var from = Format(address, text);
        if (Holds(_clients, applicationId, minute, from) && (credentialId is null || Holds(_credentials, credentialId, minute, from)))
        {
            return;
        }

        var use = new Use(minute, address is null ? null : from.ToString());
        Keep(_clients, applicationId, use);
        if (credentialId is not null)
        {
            Keep(_credentials, credentialId, use);
        }
    }

    /// <summary>
    /// Takes what was gathered so far. An entry is taken only if no newer use replaced it meanwhile
    /// (one that did stays for the next batch), so a use recorded during the call is never lost.
    /// </summary>
    public (IReadOnlyDictionary<string, Use> Clients, IReadOnlyDictionary<string, Use> Credentials) TakeBatch() =>
        (Take(_clients), Take(_credentials));

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

    /// <summary>The address as the last-used and activity columns hold it (see <see cref="Format"/>); null without one.</summary>
    public static string? AddressText(IPAddress? address)
    {
        Span<char> text = stackalloc char[64];
        var from = Format(address, text);
        return address is null ? null : from.ToString();
    }

    /// <summary>The address as the column holds it: IPv4 clients of a dual-stack listener without their <c>::ffff:</c> prefix.</summary>
    private static ReadOnlySpan<char> Format(IPAddress? address, Span<char> buffer)
    {
        if (address is null || !address.TryFormat(buffer, out var written))
        {
            return [];
        }

        ReadOnlySpan<char> text = buffer[..written];
        return address.IsIPv4MappedToIPv6 && text.StartsWith(MappedIPv4Prefix, StringComparison.OrdinalIgnoreCase) ? text[MappedIPv4Prefix.Length..] : text;
    }

    private static bool Holds(ConcurrentDictionary<string, Use> uses, string id, DateTime minute, ReadOnlySpan<char> from) =>
        uses.TryGetValue(id, out var existing) && existing.At == minute && from.SequenceEqual(existing.From);

    private static Dictionary<string, Use> Take(ConcurrentDictionary<string, Use> uses)
    {
        var batch = new Dictionary<string, Use>(StringComparer.Ordinal);
        foreach (var entry in uses)
        {
            // Removed only while it still holds this use: a newer one recorded meanwhile stays.
            if (uses.TryRemove(entry))
            {
                batch[entry.Key] = entry.Value;
            }
        }

        return batch;
    }

    private static void Keep(ConcurrentDictionary<string, Use> uses, string id, Use use) =>
        uses.AddOrUpdate(id, use, (_, existing) => existing.At > use.At || (existing.At == use.At && existing.From == use.From) ? existing : use);
}
