namespace AuthClients.Web.Data.Entities;

/// <summary>
/// Tokens issued to one client in one hour (UTC) for one grant type. Written by the activity flush
/// as one row per (client, hour, grant type) that the flush adds to, never a row per token.
/// Keyed by the Client ID, which is never given twice, so the rows outlive the client and an
/// unknown Client ID can be counted too.
/// </summary>
public sealed class ClientTokenCount
{
    public string ClientId { get; set; } = "";

    /// <summary>The start of the hour, UTC.</summary>
    public DateTime Hour { get; set; }

    /// <summary>The grant type, e.g. <c>client_credentials</c>.</summary>
    public string GrantType { get; set; } = "";

    public long Count { get; set; }
}

/// <summary>Failed client authentications of one Client ID in one hour (UTC) for one reason (<c>Features.Activity.FailureReasons</c>).</summary>
public sealed class ClientFailureCount
{
    public string ClientId { get; set; } = "";

    /// <summary>The start of the hour, UTC.</summary>
    public DateTime Hour { get; set; }

    public string Reason { get; set; } = "";

    public long Count { get; set; }
}

/// <summary>
/// One failed client authentication, for the client's Activity tab: when, from where, why. Only
/// the latest few per client are kept (<c>Activity:FailuresKept</c>); the counts per hour keep the rest.
/// Never holds what the caller sent as a secret or assertion.
/// </summary>
public sealed class ClientFailure
{
    public long Id { get; set; }

    /// <summary>The Client ID the caller named (printable characters only, cut to 100), known or not.</summary>
    public string ClientId { get; set; } = "";

    public DateTime OccurredAt { get; set; }

    public string Reason { get; set; } = "";

    /// <summary>The endpoint's grant type, or the endpoint (introspection, revocation) when there is none.</summary>
    public string? GrantType { get; set; }

    public string? IpAddress { get; set; }
}
