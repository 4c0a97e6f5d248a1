using System.Diagnostics.Metrics;

namespace AuthClients.Web.Hosting;

/// <summary>
/// The app's own OpenTelemetry instruments, on the meter <see cref="MeterName"/>. Adding to an
/// instrument nobody listens to costs a few nanoseconds, so they are always recorded; exporting is
/// switched on by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables (docs/operations.md).
/// Request durations come from ASP.NET Core's own <c>http.server.request.duration</c>.
/// </summary>
public sealed class AuthClientsMetrics
{
    public const string MeterName = "AuthClients";

    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _authenticationFailures;
    private readonly Counter<long> _cacheLookups;

    public AuthClientsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _tokensIssued = meter.CreateCounter<long>("authclients.tokens.issued", "{token}", "Tokens issued by the token endpoint, by grant type.");
        _authenticationFailures = meter.CreateCounter<long>("authclients.client_authentication.failures", "{failure}", "Refused client authentications and token requests, by reason.");
        _cacheLookups = meter.CreateCounter<long>("authclients.cache.lookups", "{lookup}", "Look-ups in the app's caches, by cache and result (hit or miss).");
    }

    public void TokenIssued(string grantType) =>
        _tokensIssued.Add(1, new KeyValuePair<string, object?>("grant_type", grantType));

    public void AuthenticationFailed(string reason) =>
        _authenticationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <param name="cache">Which cache, e.g. <c>client</c> or <c>access_token</c>.</param>
    public void CacheLookup(string cache, bool hit) =>
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
}
