using System.Linq.Expressions;

namespace AuthClients.Web.Data.Entities;

/// <summary>What a credential is: a shared secret, or the public half of a key the client signs assertions with.</summary>
public enum CredentialKind
{
    Secret,
    PublicKey,
}

/// <summary>
/// One way a confidential client proves who it is at the token, introspection and revocation
/// endpoints. A client holds several, so that a new secret can be handed out while the previous one
/// still works (rotation with an overlap). Never holds a secret in plain text.
/// </summary>
public sealed class AuthClientCredential
{
    public string Id { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The <see cref="AuthClientApplication.Id"/> of its client; deleted with it.</summary>
    public string ApplicationId { get; set; } = "";

    public CredentialKind Kind { get; set; }

    /// <summary>What the administrator calls it, e.g. "Production" or "Rotated 30 Nov 2026".</summary>
    public string Label { get; set; } = "";

    /// <summary>A secret's one-way verifier (<c>ClientSecretHasher</c>): what authentication compares.</summary>
    public string? SecretVerifier { get; set; }

    /// <summary>A secret encrypted with Data Protection, for the copy action only.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>A public key as a JSON Web Key holding public parameters only.</summary>
    public string? PublicKey { get; set; }

    /// <summary>A public key's JWK thumbprint (RFC 7638), its <c>kid</c> unless the administrator's key named one.</summary>
    public string? KeyId { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? CreatedById { get; set; }

    /// <summary>Kept as written: the user may be renamed or deleted later.</summary>
    public string CreatedByName { get; set; } = "";

    /// <summary>From this moment the credential is refused; null when it does not expire.</summary>
    public DateTime? ExpiresAt { get; set; }

    /// <summary>Ended before its time by an administrator ("Revoke now"); refused from then on.</summary>
    public DateTime? RevokedAt { get; set; }

    public string? RevokedByName { get; set; }

    /// <summary>To the minute; written in batches, so up to the flush interval late (<c>ClientUsage</c>).</summary>
    public DateTime? LastUsedAt { get; set; }

    /// <summary>The address the last use came from.</summary>
    public string? LastUsedFrom { get; set; }

    /// <summary>Credentials that authenticate at <paramref name="now"/>: neither revoked nor expired. The one rule, for every query.</summary>
    public static Expression<Func<AuthClientCredential, bool>> ActiveAt(DateTime now) =>
        c => c.RevokedAt == null && (c.ExpiresAt == null || c.ExpiresAt > now);
}

/// <summary>
/// A client assertion (<c>private_key_jwt</c>) already used, kept until it expires, so the same
/// assertion cannot authenticate twice (RFC 7523 3, item 7). In the database, so that no instance
/// accepts an assertion another instance has seen.
/// </summary>
public sealed class UsedClientAssertion
{
    public string ClientId { get; set; } = "";

    /// <summary>The assertion's <c>jti</c>.</summary>
    public string TokenId { get; set; } = "";

    public DateTime ExpiresAt { get; set; }
}
