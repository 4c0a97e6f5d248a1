using AuthClients.Web.Data.Entities;
using Microsoft.IdentityModel.Tokens;

namespace AuthClients.Web.Connect;

/// <summary>Why a presented credential was refused, for the administrator (the caller only ever hears <c>invalid_client</c>).</summary>
public enum CredentialRefusal
{
    None,
    Expired,
    Revoked,
}

/// <summary>One credential as authentication needs it: no label, no secret, nothing to display.</summary>
public sealed record ClientCredentialEntry(
    string Id,
    CredentialKind Kind,
    string? SecretVerifier,
    JsonWebKey? PublicKey,
    DateTime? ExpiresAt,
    DateTime? RevokedAt)
{
    public CredentialRefusal RefusalAt(DateTime now) => RefusalOf(RevokedAt, ExpiresAt, now);

    /// <summary>Why a credential revoked and expiring at these times is refused at <paramref name="now"/> (in memory, as <see cref="AuthClientCredential.ActiveAt"/> in queries).</summary>
    public static CredentialRefusal RefusalOf(DateTime? revokedAt, DateTime? expiresAt, DateTime now) =>
        revokedAt is not null ? CredentialRefusal.Revoked
        : expiresAt is { } expires && expires <= now ? CredentialRefusal.Expired
        : CredentialRefusal.None;

    public static ClientCredentialEntry From(AuthClientCredential row) => new(
        row.Id,
        row.Kind,
        row.SecretVerifier,
        row.Kind == CredentialKind.PublicKey && row.PublicKey is { } jwk ? new JsonWebKey(jwk) : null,
        row.ExpiresAt is { } expires ? DateTime.SpecifyKind(expires, DateTimeKind.Utc) : null,
        row.RevokedAt);
}

/// <summary>
/// A client's credentials as the token, introspection and revocation endpoints check them: every
/// one, including the expired and revoked (so the refusal can say why, to the administrator).
/// Immutable, so one copy can be shared by the cache and every request.
/// </summary>
public sealed class ClientCredentialSet(IReadOnlyList<ClientCredentialEntry> entries)
{
    public static ClientCredentialSet Empty { get; } = new([]);

    public IReadOnlyList<ClientCredentialEntry> Entries { get; } = entries;

    public IEnumerable<ClientCredentialEntry> Secrets => Entries.Where(e => e.Kind == CredentialKind.Secret && e.SecretVerifier is not null);

    /// <summary>The public keys that authenticate at <paramref name="now"/>: what a client assertion is checked against.</summary>
    public JsonWebKeySet ActivePublicKeys(DateTime now)
    {
        var set = new JsonWebKeySet();
        foreach (var entry in Entries.Where(e => e.PublicKey is not null && e.RefusalAt(now) == CredentialRefusal.None))
        {
            set.Keys.Add(entry.PublicKey!);
        }

        return set;
    }
}
