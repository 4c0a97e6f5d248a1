using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// What people do with a client's secret: copy it, replace it, be handed it. Each leaves an audit
/// record (never the secret). <see cref="ClientSecrets"/> makes and encrypts them.
/// </summary>
public sealed class AuthClientSecrets(
    AppDbContext db,
    OpenIddictApplicationManager<AuthClientApplication> manager,
    ClientSecrets secrets,
    AuditService audit)
{
    /// <summary>
    /// Why the actor may not reveal or regenerate this client's secret (taking it hands over every
    /// right its scopes grant, see <see cref="ScopeRights.MayTakeSecretOf"/>): the 403 of the page and the API.
    /// </summary>
    public static string RefusalMessage(IEnumerable<string> clientScopes) =>
        "You cannot take this client's secret. " + ScopeRights.Missing(clientScopes);

    /// <summary>Decrypts the client's secret for the copy action, and records that it was copied.</summary>
    /// <returns>The secret, or null when the client does not exist or has none (a public client).</returns>
    public async Task<string?> RevealSecretAsync(string id, CancellationToken cancellationToken = default)
    {
        var application = await db.AuthClients.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (application?.ProtectedSecret is null)
        {
            return null;
        }

        audit.Record(AuditActions.AuthClientSecretCopied, AuthClientAudit.TargetType, application.ClientId!);
        await db.SaveChangesAsync(cancellationToken);
        return secrets.Unprotect(application.ProtectedSecret);
    }

    /// <summary>Replaces the secret; OpenIddict's verifier changes in the same write, so the old one fails at once.</summary>
    /// <returns>Saved with the new secret; not found when the client does not exist or is public (it has no secret to replace).</returns>
    public async Task<AuthClientSecretChange> RegenerateSecretAsync(string id, CancellationToken cancellationToken = default)
    {
        var application = await manager.FindByIdAsync(id, cancellationToken);
        if (application is null || await manager.HasClientTypeAsync(application, ClientTypes.Public, cancellationToken))
        {
            return new(ChangeResult.NotFound, null);
        }

        var secret = ClientSecrets.Generate();
        application.ProtectedSecret = secrets.Protect(secret);
        audit.Record(AuditActions.AuthClientSecretRegenerated, AuthClientAudit.TargetType, application.ClientId!);
        await manager.UpdateAsync(application, secret, cancellationToken);
        return new(ChangeResult.Saved(id), secret);
    }

    /// <summary>
    /// Records that the API handed the secret it just created or regenerated to its caller (nobody
    /// copied it): the response is the only other place it appears.
    /// </summary>
    public async Task RecordIssuedAsync(string clientId, CancellationToken cancellationToken = default)
    {
        audit.Record(AuditActions.AuthClientSecretIssued, AuthClientAudit.TargetType, clientId);
        await db.SaveChangesAsync(cancellationToken);
    }
}
