using AuthClients.Web.Features.Audit;

namespace AuthClients.Web.Features.Dashboard;

/// <summary>The Admin landing page: each part is null when the viewer may not see it.</summary>
/// <param name="Clients">Needs View Auth Clients.</param>
/// <param name="Failures">Needs View Auth Clients (they name clients).</param>
/// <param name="RecentChanges">Needs View Audit Log.</param>
public sealed record DashboardViewModel(ClientFigures? Clients, FailureFigures? Failures, IReadOnlyList<AuditLogItem>? RecentChanges)
{
    /// <summary>Nothing to show: the page says what the viewer can do instead.</summary>
    public bool IsEmpty => Clients is null && Failures is null && RecentChanges is null;
}

/// <param name="ExpiryWarning">The warning period (<see cref="AuthClients.CredentialOptions.ExpiryWarning"/>, 14 days by default).</param>
/// <param name="ExpiringCredentials">Active credentials expiring within the warning period.</param>
/// <param name="ExpiringClients">The clients holding them.</param>
/// <param name="FirstExpiring">The first few of those clients, soonest expiry first.</param>
public sealed record ClientFigures(
    int Total,
    int Disabled,
    int UsedRecently,
    int NotUsed,
    TimeSpan ExpiryWarning,
    int ExpiringCredentials,
    int ExpiringClients,
    IReadOnlyList<ExpiringClient> FirstExpiring)
{
    public int Enabled => Total - Disabled;
}

/// <param name="Id">The client's internal id, as in its page's URL.</param>
/// <param name="ExpiresAt">When its first active credential expires.</param>
public sealed record ExpiringClient(string Id, string ClientId, string Name, DateTime ExpiresAt);

/// <summary>Failed client authentications in the last 24 hours, and the Client IDs that failed most.</summary>
public sealed record FailureFigures(long Total, IReadOnlyList<FailingClient> Top);

/// <summary>A Client ID that failed; <paramref name="Id"/> and <paramref name="Name"/> are null when no client has it (an unknown or deleted client).</summary>
public sealed record FailingClient(string ClientId, string? Id, string? Name, long Count);

