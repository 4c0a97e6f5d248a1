namespace AuthClients.Web.Data.Entities;

/// <summary>Who did what to which object, when, and from where. Never holds a secret.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public DateTime OccurredAt { get; set; }

    public string? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public string? IpAddress { get; set; }

    /// <summary>What happened, e.g. <c>auth-client.created</c>.</summary>
    public string Action { get; set; } = "";

    public string TargetType { get; set; } = "";

    public string TargetId { get; set; } = "";

    /// <summary>JSON object of the fields changed: <c>{"name": {"from": "a", "to": "b"}}</c>.</summary>
    public string? Changes { get; set; }
}
