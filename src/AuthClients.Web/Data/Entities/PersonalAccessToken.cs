namespace AuthClients.Web.Data.Entities;

/// <summary>
/// A long-lived token a user made for API calls. Only a SHA-256 hash of the token is stored: the
/// token carries 256 random bits, so the hash cannot be reversed or guessed.
/// </summary>
public sealed class PersonalAccessToken
{
    public string Id { get; set; } = Guid.NewGuid().ToString();

    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the token text.</summary>
    public string TokenHash { get; set; } = "";

    /// <summary>The Client ID of the auth client it was issued through (one with "Enable Personal Access Tokens").</summary>
    public string ClientId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? LastUsedAt { get; set; }
}
