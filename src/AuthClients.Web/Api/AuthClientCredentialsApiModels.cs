using System.Text.Json.Serialization;
using System.Xml;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Web.Api;

/// <summary>
/// The body of <c>POST /api/1.0/auth-clients/{client_id}/credentials</c>: a new secret (a rotation) or a new public key.
/// </summary>
public sealed class CredentialRequest
{
    public const string Secret = "secret";
    public const string PublicKey = "public_key";

    /// <summary><c>secret</c> (rotate: a new secret, the previous one kept for <see cref="GracePeriod"/>) or <c>public_key</c> (add <see cref="Key"/>; <c>publicKey</c> is read the same).</summary>
    public string? Kind { get; set; }

    /// <summary>
    /// A secret only: how long the previous secret keeps working, as an ISO 8601 duration: <c>PT0S</c>
    /// (ends now), <c>PT1H</c>, <c>P1D</c>, <c>P7D</c> (the default) or <c>P30D</c>.
    /// </summary>
    public string? GracePeriod { get; set; }

    /// <summary>A public key only: a JSON Web Key (public members only) or a PEM block (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE).</summary>
    public string? Key { get; set; }

    /// <summary>What the administrator calls it; a default is given when omitted. At most 100 characters.</summary>
    public string? Label { get; set; }

    /// <summary>When the new credential stops working (UTC, ISO 8601); none when omitted, unless the server's settings give secrets a lifetime.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary><see cref="Kind"/> as the server knows it; null when it is neither.</summary>
    [JsonIgnore]
    public CredentialKind? KnownKind => Kind switch
    {
        Secret => CredentialKind.Secret,
        PublicKey or "publicKey" => CredentialKind.PublicKey,
        _ => null,
    };

    /// <summary>The grace period asked for (the default when omitted); null when <see cref="GracePeriod"/> is no ISO 8601 duration.</summary>
    public TimeSpan? ParsedGracePeriod()
    {
        if (GracePeriod is null)
        {
            return SecretRotation.DefaultGracePeriod;
        }

        try
        {
            return XmlConvert.ToTimeSpan(GracePeriod);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}

/// <summary>One credential as the API shows it: never a secret.</summary>
public sealed record CredentialResource(
    string Id,
    string Kind,
    string Label,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? ExpiresAt,
    DateTime? RevokedAt,
    DateTime? LastUsedAt,
    string? LastUsedFrom,
    string State,
    string? KeyId)
{
    public static CredentialResource From(CredentialView view) => new(
        view.Id,
        view.Kind == CredentialKind.Secret ? CredentialRequest.Secret : CredentialRequest.PublicKey,
        view.Label,
        view.CreatedAt,
        view.CreatedByName,
        view.ExpiresAt,
        view.RevokedAt,
        view.LastUsedAt,
        view.LastUsedFrom,
        view.State switch
        {
            CredentialState.Active => "active",
            CredentialState.ExpiringSoon => "expiring_soon",
            CredentialState.Expired => "expired",
            _ => "revoked",
        },
        view.KeyId);
}

public sealed record CredentialList(IReadOnlyList<CredentialResource> Data);

/// <summary>
/// The 201 answer of a new credential. For a secret (a rotation): its value, returned this once and
/// shown nowhere else ever, the grace period given to the previous secret and the moment that one
/// stops working (null when there was none). For a public key the three are null.
/// </summary>
public sealed record CreatedCredential(CredentialResource Credential, string? ClientSecret = null, string? GracePeriod = null, DateTime? PreviousValidUntil = null);
