using System.Security.Claims;
using System.Text.Json;
using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.Audit;

/// <summary>A field's value before and after a change, as written into an audit record.</summary>
public sealed record FieldChange(object? From, object? To);

/// <summary>
/// Adds audit records to the current unit of work, so that a record is committed in the same
/// <c>SaveChanges</c> as the change it describes, or not at all. Callers pass field names and
/// values; a secret must never be one of them.
/// </summary>
public sealed class AuditService(AppDbContext db, IHttpContextAccessor httpContextAccessor, TimeProvider clock)
{
    private static readonly JsonSerializerOptions ChangesJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public void Record(string action, string targetType, string targetId, IReadOnlyDictionary<string, FieldChange>? changes = null) =>
        Record(CurrentActor(), action, targetType, targetId, changes);

    /// <summary>
    /// A record whose actor is not the request's signed-in user: a sign-in, where the person is
    /// only known once their password is checked (or never, when it fails).
    /// </summary>
    public void Record((string? Id, string Name) actor, string action, string targetType, string targetId, IReadOnlyDictionary<string, FieldChange>? changes = null)
    {
        var http = httpContextAccessor.HttpContext;
        var (actorId, actorName) = actor;
        db.AuditRecords.Add(new AuditRecord
        {
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            ActorId = actorId,
            ActorName = actorName,
            IpAddress = ClientUsage.AddressText(http?.Connection.RemoteIpAddress),
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Changes = changes is { Count: > 0 } ? JsonSerializer.Serialize(changes, ChangesJson) : null,
        });
    }

    /// <summary>Who acts on this request, as audit records name them.</summary>
    public (string? Id, string Name) CurrentActor() => ActorOf(httpContextAccessor.HttpContext?.User);

    /// <summary>
    /// Who acts, whatever the credential: the signed-in person (page cookie), the person behind a
    /// token (its <c>sub</c>, with the client they used), or a client acting as itself (its Client ID,
    /// never its display name, which anyone with Edit can change).
    /// </summary>
    private static (string? Id, string Name) ActorOf(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return (null, "system");
        }

        var clientId = user.GetClaim(Claims.ClientId);
        return user.GetClaim(AppClaimTypes.SubjectKind) switch
        {
            SubjectKinds.Client => (ClientActorPrefix + clientId, $"client {clientId}"),
            SubjectKinds.User => (user.GetUserId(), $"{user.FindFirstValue(ClaimTypes.Name) ?? user.GetClaim(Claims.Email) ?? user.GetUserId()} (through client {clientId})"),
            _ => (user.GetUserId(), user.Identity.Name ?? user.GetUserId() ?? "unknown"),
        };
    }

    /// <summary>An audit record's actor id for a client acting as itself: <c>client:</c> and its Client ID.</summary>
    public const string ClientActorPrefix = "client:";
}

/// <summary>The actions written to the audit trail.</summary>
public static class AuditActions
{
    public const string AuthClientCreated = "auth-client.created";
    public const string AuthClientUpdated = "auth-client.updated";
    public const string AuthClientDeleted = "auth-client.deleted";
    /// <summary>Someone copied the secret from the Auth Clients page.</summary>
    public const string AuthClientSecretCopied = "auth-client.secret-copied";

    /// <summary>The API returned the secret to the caller who created the client or regenerated its secret.</summary>
    public const string AuthClientSecretIssued = "auth-client.secret-issued";
    public const string AuthClientSecretRegenerated = "auth-client.secret-regenerated";

    /// <summary>A new secret, the previous one kept for a grace period.</summary>
    public const string AuthClientSecretRotated = "auth-client.secret-rotated";
    public const string AuthClientCredentialAdded = "auth-client.credential-added";
    public const string AuthClientCredentialRevoked = "auth-client.credential-revoked";
}
