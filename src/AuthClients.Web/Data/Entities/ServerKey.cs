namespace AuthClients.Web.Data.Entities;

/// <summary>
/// A key of the authorization server (token signing or encryption), shared by every instance
/// through the database. The key material is encrypted with Data Protection.
/// </summary>
public sealed class ServerKey
{
    /// <summary>The key id (<c>kid</c>): in the JWKS for the published signing keys, in the token's header for the others.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>sig</c> (token signing), <c>sig-own</c> (signing the tokens only the server reads), <c>enc</c> (token encryption) or <c>secret</c> (client secret verifiers).</summary>
    public string Use { get; set; } = "";

    public string Algorithm { get; set; } = "";

    public string ProtectedKey { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>When this key starts signing; before that it is only published, so resource servers can fetch it early.</summary>
    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }
}
