using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>What a credential is in the administrator's eyes.</summary>
public enum CredentialState { Active, ExpiringSoon, Expired, Revoked }

/// <summary>One credential as the Credentials section and the API show it: never a secret.</summary>
public sealed record CredentialView(
    string Id,
    CredentialKind Kind,
    string Label,
    DateTime CreatedAt,
    string CreatedByName,
    DateTime? ExpiresAt,
    DateTime? RevokedAt,
    string? RevokedByName,
    DateTime? LastUsedAt,
    string? LastUsedFrom,
    string? KeyId,
    CredentialState State)
{
    public bool IsActive => State is CredentialState.Active or CredentialState.ExpiringSoon;
}

/// <summary>What "Rotate secret" was asked for: the previous secret's grace period, and the new one's label and expiry.</summary>
public sealed record SecretRotation(TimeSpan GracePeriod, string? Label = null, DateTime? ExpiresAt = null)
{
    /// <summary>"End now": the previous secret stops at once (what "Regenerate" always did).</summary>
    public static SecretRotation EndNow { get; } = new(TimeSpan.Zero);

    public static TimeSpan DefaultGracePeriod { get; } = TimeSpan.FromDays(7);

    /// <summary>The grace periods offered: end now, 1 hour, 1 day, 7 days, 30 days.</summary>
    public static IReadOnlyList<TimeSpan> GracePeriods { get; } =
        [TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromDays(1), DefaultGracePeriod, TimeSpan.FromDays(30)];
}

/// <summary>A new public key: the text the administrator pasted (JWK or PEM), its label and expiry.</summary>
public sealed record PublicKeyCredential(string? Key, string? Label = null, DateTime? ExpiresAt = null);

/// <summary>
/// A confidential client's credentials: its secrets and public keys, several at once, each with an
/// expiry and a revocation. Rotating makes a new secret and gives the previous one a grace period,
/// so programs can move to the new secret without an outage. Every change and every hand-over of a
/// secret leaves an audit record (never the secret); each change is seen at once by this instance's
/// token endpoint and within the client cache's lifetime by the others.
/// </summary>
public sealed class AuthClientCredentials(
    AppDbContext db,
    ClientSecrets secrets,
    OpenIddict.Core.OpenIddictApplicationManager<AuthClientApplication> manager,
    AuthClientCache cache,
    AuditService audit,
    IOptions<CredentialOptions> options,
    TimeProvider clock)
{
    public const string ExpiresAtField = "ExpiresAt";
    public const string KeyField = "Key";
    public const string GracePeriodField = "GracePeriod";
    public const string LabelField = "Label";
    public const int MaxLabelLength = 100;

    public static string TooManyMessage { get; } = $"This client already has {CredentialOptions.MaxActive} active credentials. Revoke one first.";
    public const string PublicClientMessage = "A public client has no credentials: it proves nothing but its redirect URLs.";
    public const string PastExpiryMessage = "The expiry must be in the future.";
    public const string GracePeriodMessage = "Choose a grace period: end now, 1 hour, 1 day, 7 days or 30 days.";
    public const string AlreadyEndedMessage = "This credential has already ended.";

    private readonly CredentialOptions _options = options.Value;

    /// <summary>
    /// Why the actor may not reveal or rotate this client's secret (taking it hands over every
    /// right its scopes grant, see <see cref="ScopeRights.MayTakeSecretOf"/>): the 403 of the page and the API.
    /// </summary>
    public static string RefusalMessage(IEnumerable<string> clientScopes) =>
        "You cannot take this client's secret. " + ScopeRights.Missing(clientScopes);

    /// <summary>The client's credentials, newest first (revoked and expired ones too); null when the client does not exist.</summary>
    public async Task<IReadOnlyList<CredentialView>?> ListAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!await db.AuthClients.AnyAsync(a => a.Id == id, cancellationToken))
        {
            return null;
        }

        var now = Now;
        var rows = await db.AuthClientCredentials.AsNoTracking()
            .Where(c => c.ApplicationId == id)
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Select(c => View(c, now))];
    }

    /// <summary>Decrypts a secret for the copy action (the newest active one unless <paramref name="credentialId"/> names one) and records that it was copied.</summary>
    /// <returns>The secret, or null when the client or an active secret does not exist.</returns>
    public async Task<string?> RevealSecretAsync(string id, string? credentialId = null, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var candidates = await db.AuthClientCredentials.AsNoTracking()
            .Where(c => c.ApplicationId == id && c.Kind == CredentialKind.Secret && c.ProtectedSecret != null)
            .Where(AuthClientCredential.ActiveAt(now))
            .Where(c => credentialId == null || c.Id == credentialId)
            .ToListAsync(cancellationToken);
        var credential = candidates.OrderByDescending(c => c.CreatedAt).FirstOrDefault();
        var clientId = await db.AuthClients.Where(a => a.Id == id).Select(a => a.ClientId).SingleOrDefaultAsync(cancellationToken);
        if (credential is null || clientId is null)
        {
            return null;
        }

        audit.Record(AuditActions.AuthClientSecretCopied, AuthClientAudit.TargetType, clientId, Describe(credential));
        await db.SaveChangesAsync(cancellationToken);
        return secrets.Unprotect(credential.ProtectedSecret!);
    }

    /// <summary>
    /// Makes a new secret; the previous one (the newest active secret) keeps working for the grace
    /// period, or stops at once for <see cref="SecretRotation.EndNow"/>.
    /// </summary>
    /// <returns>Saved with the new secret; not found when the client does not exist or is public.</returns>
    public async Task<AuthClientSecretChange> RotateSecretAsync(string id, SecretRotation rotation, CancellationToken cancellationToken = default)
    {
        if (!SecretRotation.GracePeriods.Contains(rotation.GracePeriod))
        {
            return new(ChangeResult.Invalid(GracePeriodField, GracePeriodMessage), null);
        }

        var now = Now;
        if (await LoadConfidentialAsync(id, cancellationToken) is not { } client)
        {
            return new(ChangeResult.NotFound, null);
        }

        var (expiresAt, problem) = SecretExpiry(rotation.ExpiresAt, now);
        if (problem is not null)
        {
            return new(problem, null);
        }

        if (LabelProblem(rotation.Label) is { } badLabel)
        {
            return new(badLabel, null);
        }

        var active = await ActiveRowsAsync(id, now, cancellationToken);
        var activeSecrets = active.Where(c => c.Kind == CredentialKind.Secret).OrderByDescending(c => c.CreatedAt).ToList();
        var previous = activeSecrets.FirstOrDefault();

        // "End now" ends every secret that still works, those in a grace period too: it is what
        // someone does when a secret leaked, and "the previous secret no longer works" must be true.
        var ended = rotation.GracePeriod == TimeSpan.Zero ? activeSecrets : new List<AuthClientCredential>();
        if (active.Count + 1 - ended.Count > CredentialOptions.MaxActive)
        {
            return new(ChangeResult.Invalid("", TooManyMessage), null);
        }

        foreach (var secretRow in ended)
        {
            Revoke(secretRow, now);
        }

        if (previous is not null && ended.Count == 0 && (previous.ExpiresAt is null || previous.ExpiresAt > now + rotation.GracePeriod))
        {
            previous.ExpiresAt = now + rotation.GracePeriod;
        }

        var secret = ClientSecrets.Generate();
        var created = await NewSecretAsync(id, secret, rotation.Label, expiresAt, cancellationToken);
        db.AuthClientCredentials.Add(created);
        audit.Record(rotation.GracePeriod == TimeSpan.Zero ? AuditActions.AuthClientSecretRegenerated : AuditActions.AuthClientSecretRotated,
            AuthClientAudit.TargetType, client.ClientId, new Dictionary<string, FieldChange>
            {
                ["credential"] = new(previous?.Label, created.Label),
                ["gracePeriod"] = new(null, rotation.GracePeriod.ToString()),
                ["previousValidUntil"] = new(null, previous is null ? null : (previous.RevokedAt ?? previous.ExpiresAt)?.ToString("O")),
            });
        if (!await SaveAsync(client.Row, cancellationToken))
        {
            return new(ChangeResult.Conflict, null);
        }

        return new(ChangeResult.Saved(created.Id), secret) { PreviousValidUntil = previous?.RevokedAt ?? previous?.ExpiresAt };
    }

    /// <summary>"Regenerate": rotate and end the previous secret now.</summary>
    public Task<AuthClientSecretChange> RegenerateSecretAsync(string id, CancellationToken cancellationToken = default) =>
        RotateSecretAsync(id, SecretRotation.EndNow, cancellationToken);

    /// <summary>Adds a public key the client signs its assertions with (<c>private_key_jwt</c>, RFC 7523).</summary>
    public async Task<ChangeResult> AddPublicKeyAsync(string id, PublicKeyCredential key, CancellationToken cancellationToken = default)
    {
        var now = Now;
        if (await LoadConfidentialAsync(id, cancellationToken) is not { } client)
        {
            return ChangeResult.NotFound;
        }

        var (parsed, error) = PublicKeys.Parse(key.Key);
        if (parsed is null)
        {
            return ChangeResult.Invalid(KeyField, error!);
        }

        if (LabelProblem(key.Label) is { } badLabel)
        {
            return badLabel;
        }

        if (AsUtc(key.ExpiresAt) is { } expires && expires <= now)
        {
            return ChangeResult.Invalid(ExpiresAtField, PastExpiryMessage);
        }

        var active = await ActiveRowsAsync(id, now, cancellationToken);
        if (active.Count >= CredentialOptions.MaxActive)
        {
            return ChangeResult.Invalid("", TooManyMessage);
        }

        if (active.Any(c => c.KeyId == parsed.KeyId))
        {
            return ChangeResult.Invalid(KeyField, "This client already has this key (or another key with its key ID).");
        }

        var (actorId, actorName) = audit.CurrentActor();
        var credential = new AuthClientCredential
        {
            ApplicationId = id,
            Kind = CredentialKind.PublicKey,
            Label = LabelOr(key.Label, "Public key"),
            PublicKey = parsed.Json,
            KeyId = parsed.KeyId,
            CreatedAt = now,
            CreatedById = actorId,
            CreatedByName = actorName,
            ExpiresAt = AsUtc(key.ExpiresAt),
        };
        db.AuthClientCredentials.Add(credential);
        audit.Record(AuditActions.AuthClientCredentialAdded, AuthClientAudit.TargetType, client.ClientId, Describe(credential));
        return await SaveAsync(client.Row, cancellationToken) ? ChangeResult.Saved(credential.Id) : ChangeResult.Conflict;
    }

    /// <summary>"Revoke now": the credential is refused from this moment.</summary>
    public async Task<ChangeResult> RevokeAsync(string id, string credentialId, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var credential = await db.AuthClientCredentials.SingleOrDefaultAsync(c => c.Id == credentialId && c.ApplicationId == id, cancellationToken);
        var clientId = await db.AuthClients.Where(a => a.Id == id).Select(a => a.ClientId).SingleOrDefaultAsync(cancellationToken);
        if (credential is null || clientId is null)
        {
            return ChangeResult.NotFound;
        }

        if (View(credential, now) is { IsActive: false })
        {
            return ChangeResult.Invalid("", AlreadyEndedMessage);
        }

        Revoke(credential, now);
        audit.Record(AuditActions.AuthClientCredentialRevoked, AuthClientAudit.TargetType, clientId, Describe(credential));
        await SaveAsync(clientId, cancellationToken);
        return ChangeResult.Saved(credentialId);
    }

    /// <summary>
    /// Records that the API handed the secret it just created or rotated to its caller (nobody
    /// copied it): the response is the only other place it appears.
    /// </summary>
    public async Task RecordIssuedAsync(string clientId, CancellationToken cancellationToken = default)
    {
        audit.Record(AuditActions.AuthClientSecretIssued, AuthClientAudit.TargetType, clientId);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The first secret of a new client (<see cref="AuthClientCommands.CreateAsync"/>), added to the caller's unit of work.</summary>
    internal async Task<AuthClientCredential> NewSecretAsync(string applicationId, string secret, string? label, DateTime? expiresAt, CancellationToken cancellationToken)
    {
        var (actorId, actorName) = audit.CurrentActor();
        return new AuthClientCredential
        {
            ApplicationId = applicationId,
            Kind = CredentialKind.Secret,
            Label = LabelOr(label, $"Secret of {Now:d MMM yyyy HH:mm} UTC"),
            SecretVerifier = await ((AuthClientApplicationManager)manager).HashSecretAsync(secret, cancellationToken),
            ProtectedSecret = secrets.Protect(secret),
            CreatedAt = Now,
            CreatedById = actorId,
            CreatedByName = actorName,
            ExpiresAt = expiresAt,
        };
    }

    /// <summary>
    /// The expiry of a new secret: the one asked for, else <see cref="CredentialOptions.DefaultSecretLifetime"/>,
    /// within <see cref="CredentialOptions.MaxSecretLifetime"/> (or a problem for the form).
    /// </summary>
    internal (DateTime? ExpiresAt, ChangeResult? Problem) SecretExpiry(DateTime? requested, DateTime now)
    {
        var latest = _options.MaxSecretLifetime is { } max ? now + max : (DateTime?)null;
        if (AsUtc(requested) is { } expires)
        {
            return expires <= now ? (null, ChangeResult.Invalid(ExpiresAtField, PastExpiryMessage))
                : expires > latest ? (null, ChangeResult.Invalid(ExpiresAtField, $"A secret may live at most {Readable(_options.MaxSecretLifetime!.Value)}: choose an expiry on or before {latest:yyyy-MM-dd HH:mm} UTC."))
                : (expires, null);
        }

        return (_options.DefaultSecretLifetime is { } lifetime ? now + lifetime : latest, null);
    }

    /// <summary>What <paramref name="credential"/> is at <paramref name="now"/>, as shown.</summary>
    public CredentialView View(AuthClientCredential credential, DateTime now)
    {
        var expires = credential.ExpiresAt;
        var state = ClientCredentialEntry.RefusalOf(credential.RevokedAt, expires, now) switch
        {
            CredentialRefusal.Revoked => CredentialState.Revoked,
            CredentialRefusal.Expired => CredentialState.Expired,
            _ => expires <= now + _options.ExpiryWarning ? CredentialState.ExpiringSoon : CredentialState.Active,
        };
        return new CredentialView(credential.Id, credential.Kind, credential.Label, credential.CreatedAt, credential.CreatedByName, expires,
            credential.RevokedAt, credential.RevokedByName, credential.LastUsedAt, credential.LastUsedFrom, credential.KeyId, state);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Times without a zone (a date picker's, JSON without an offset) are UTC, as the page says.</summary>
    private static DateTime? AsUtc(DateTime? time) => time switch
    {
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { Kind: DateTimeKind.Unspecified } unspecified => DateTime.SpecifyKind(unspecified, DateTimeKind.Utc),
        _ => time,
    };

    /// <summary>
    /// The client, tracked, read before its credentials are counted: saving gives it a new version
    /// (<see cref="SaveAsync(AuthClientApplication, CancellationToken)"/>), so of two changes counted
    /// at once only the first is saved and the 5-credential limit holds.
    /// </summary>
    private async Task<(AuthClientApplication Row, string ClientId)?> LoadConfidentialAsync(string id, CancellationToken cancellationToken)
    {
        var client = await db.AuthClients.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return client is null || client.ClientType == OpenIddict.Abstractions.OpenIddictConstants.ClientTypes.Public ? null : (client, client.ClientId!);
    }

    /// <summary>Saves a change that counted the client's credentials; another change saved since it read them makes it a conflict.</summary>
    private async Task<bool> SaveAsync(AuthClientApplication client, CancellationToken cancellationToken)
    {
        client.ConcurrencyToken = Guid.NewGuid().ToString();
        try
        {
            await SaveAsync(client.ClientId!, cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            cache.Remove(client.ClientId);
            return false;
        }
    }

    private async Task<List<AuthClientCredential>> ActiveRowsAsync(string id, DateTime now, CancellationToken cancellationToken) =>
        await db.AuthClientCredentials.Where(c => c.ApplicationId == id).Where(AuthClientCredential.ActiveAt(now)).ToListAsync(cancellationToken);

    private void Revoke(AuthClientCredential credential, DateTime now)
    {
        credential.RevokedAt = now;
        credential.RevokedByName = audit.CurrentActor().Name;
    }

    private async Task SaveAsync(string clientId, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        cache.Remove(clientId);
    }

    private static string LabelOr(string? label, string fallback) =>
        string.IsNullOrWhiteSpace(label) ? fallback : label.Trim();

    /// <summary>A label is refused rather than cut: cutting could split a character or change what it says.</summary>
    internal static ChangeResult? LabelProblem(string? label) =>
        label?.Trim() is { Length: > MaxLabelLength }
            ? ChangeResult.Invalid(LabelField, $"The label may be at most {MaxLabelLength} characters long.")
            : null;

    private static Dictionary<string, FieldChange> Describe(AuthClientCredential credential) => new()
    {
        ["credential"] = new(null, credential.Label),
        ["kind"] = new(null, credential.Kind.ToString()),
        ["expiresAt"] = new(null, credential.ExpiresAt?.ToString("O")),
    };

    private static string Readable(TimeSpan span) => span.TotalDays >= 1 ? $"{span.TotalDays:0.##} days" : $"{span.TotalHours:0.##} hours";
}
