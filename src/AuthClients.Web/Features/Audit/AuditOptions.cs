using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.Audit;

/// <summary>The <c>Audit</c> section: how long audit records and client activity are kept, and how often old ones are removed.</summary>
public sealed class AuditOptions : IValidatableObject
{
    public const string Section = "Audit";

    /// <summary>Audit records older than this many days are removed. Default: 365.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>
    /// Client activity (token and failure counts per hour, the latest failures) older than this many
    /// days is removed. Default: 90; at least 31, so the Activity tab's 30 days are always complete.
    /// </summary>
    public int ActivityRetentionDays { get; set; } = 90;

    /// <summary>How often one instance of the cluster removes what is past retention. Default: one hour.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    private const int Longest = 36_500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetentionDays is < 1 or > Longest)
        {
            yield return new ValidationResult($"{Section}:RetentionDays must be between 1 and {Longest} (days).", [nameof(RetentionDays)]);
        }

        if (ActivityRetentionDays is < 31 or > Longest)
        {
            yield return new ValidationResult($"{Section}:ActivityRetentionDays must be between 31 and {Longest} (days).", [nameof(ActivityRetentionDays)]);
        }

        if (PruneInterval < TimeSpan.FromMinutes(1) || PruneInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"{Section}:PruneInterval must be between 00:01:00 and 1.00:00:00.", [nameof(PruneInterval)]);
        }
    }
}
