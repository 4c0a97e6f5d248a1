using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The <c>AuthClients:Credentials</c> section: how long secrets live, when the list warns, and how last use is tracked.</summary>
public sealed class CredentialOptions : IValidatableObject
{
    public const string Section = "AuthClients:Credentials";

    /// <summary>A client may hold this many active credentials (secrets and public keys) at once.</summary>
    public const int MaxActive = 5;

    /// <summary>The expiry a new secret gets when its creator picks none. Default: none (it does not expire).</summary>
    public TimeSpan? DefaultSecretLifetime { get; set; }

    /// <summary>The longest a secret may live. Default: none (no limit). A secret may then not be created without an expiry.</summary>
    public TimeSpan? MaxSecretLifetime { get; set; }

    /// <summary>An active credential expiring within this long shows "expires in N days".</summary>
    public TimeSpan ExpiryWarning { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often this instance writes the last-used times it gathered (and once more when it stops).</summary>
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Record when and from where each client and credential was last used (<c>Connect/ClientUsage</c>).
    /// Default: true. Off, nothing is recorded or written (for measuring what tracking costs).
    /// </summary>
    public bool TrackLastUsed { get; set; } = true;

    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(DefaultSecretLifetime), DefaultSecretLifetime), (nameof(MaxSecretLifetime), MaxSecretLifetime) })
        {
            if (value is { } lifetime && (lifetime < TimeSpan.FromHours(1) || lifetime > Longest))
            {
                yield return new ValidationResult($"{Section}:{name} must be between 01:00:00 and 3650.00:00:00 (or unset for none).", [name]);
            }
        }

        if (DefaultSecretLifetime is { } defaultLifetime && MaxSecretLifetime is { } max && defaultLifetime > max)
        {
            yield return new ValidationResult($"{Section}:DefaultSecretLifetime ({defaultLifetime}) is longer than {Section}:MaxSecretLifetime ({max}).", [nameof(DefaultSecretLifetime)]);
        }

        if (ExpiryWarning < TimeSpan.Zero || ExpiryWarning > TimeSpan.FromDays(365))
        {
            yield return new ValidationResult($"{Section}:ExpiryWarning must be between 00:00:00 and 365.00:00:00.", [nameof(ExpiryWarning)]);
        }

        if (LastUsedFlushInterval < TimeSpan.FromSeconds(1) || LastUsedFlushInterval > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult($"{Section}:LastUsedFlushInterval must be between 00:00:01 and 00:10:00.", [nameof(LastUsedFlushInterval)]);
        }
    }
}
