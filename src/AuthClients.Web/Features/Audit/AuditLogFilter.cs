using System.Globalization;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;

namespace AuthClients.Web.Features.Audit;

/// <summary>
/// The Audit Log's filters as its URL carries them (<c>?actor=…&amp;targetType=auth-client&amp;target=…&amp;action=credentials&amp;from=2026-01-01&amp;to=2026-01-31</c>),
/// shared by the page, its CSV export and links from other pages (a client's Activity tab, the dashboard).
/// </summary>
public sealed class AuditLogFilter
{
    /// <summary>An audit record's ActorId, or a user's email (resolved to their id).</summary>
    public string? Actor { get; set; }

    /// <summary><c>auth-client</c>, <c>user</c>, <c>group</c> or <c>personal-access-token</c>.</summary>
    public string? TargetType { get; set; }

    /// <summary>The target's id as audit records hold it (a client's Client ID, a user's or group's id).</summary>
    public string? Target { get; set; }

    /// <summary>An exact action (<c>auth-client.created</c>) or a family (<c>auth-client</c>, <c>credentials</c>, <c>sign-in</c>...).</summary>
    public string? Action { get; set; }

    /// <summary>The first day, <c>yyyy-MM-dd</c>, UTC.</summary>
    public string? From { get; set; }

    /// <summary>The last day (included), <c>yyyy-MM-dd</c>, UTC.</summary>
    public string? To { get; set; }

    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The kinds of target the filter offers, with the names the page shows.</summary>
    public static IReadOnlyList<(string Key, string Text)> TargetTypes { get; } =
    [
        (AuthClientAudit.TargetType, "Auth client"),
        (UserAudit.TargetType, "User"),
        (GroupAudit.TargetType, "Group"),
        (AuditCatalogue.PersonalAccessTokenTarget, "Personal access token"),
    ];

    /// <summary>The same filters with some changed: what a link that filters by an actor or a target carries.</summary>
    public AuditLogFilter With(string? actor = null, string? targetType = null, string? target = null) => new()
    {
        Actor = actor ?? Actor,
        TargetType = targetType ?? TargetType,
        Target = target ?? Target,
        Action = Action,
        From = From,
        To = To,
    };

    /// <summary>The Audit Log with these filters (root-relative): what other pages link to.</summary>
    public string Link() => Routes.AuditLog + QueryString.Create(ToQuery());

    /// <summary>The filters as query-string pairs, empty ones left out.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToQuery()
    {
        var pairs = new (string Key, string? Value)[]
        {
            ("actor", Actor), ("targetType", TargetType), ("target", Target), ("action", Action), ("from", From), ("to", To),
        };
        return pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value!.Trim()));
    }

    /// <summary>
    /// The filters checked: what the query uses, and a message per field for what cannot be read
    /// (a malformed date, a <c>from</c> after <c>to</c>, a target without its kind).
    /// </summary>
    /// <param name="actorId">The actor's id, once an email was looked up (null: not found).</param>
    public AuditLogCriteria Check(string? actorId)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var from = ParseDate(From, nameof(From), errors);
        var to = ParseDate(To, nameof(To), errors);
        if (from is { } start && to is { } end && start > end)
        {
            errors[nameof(To)] = "The end date is before the start date.";
        }

        var targetType = Clean(TargetType);
        var target = Clean(Target);
        if (targetType is not null && TargetTypes.All(t => t.Key != targetType))
        {
            errors[nameof(TargetType)] = "Pick a kind of target from the list.";
        }
        else if (target is not null && targetType is null)
        {
            errors[nameof(TargetType)] = "Pick the kind of target this id is.";
        }

        var action = Clean(Action);
        IReadOnlyList<string>? actions = action is null ? null : AuditCatalogue.FamilyOf(action)?.Actions ?? [action];
        if (action is { Length: > 64 })
        {
            errors[nameof(Action)] = "No event has a name this long.";
        }

        if (Clean(Actor) is not null && actorId is null)
        {
            errors[nameof(Actor)] = "No user has this email.";
        }

        return new AuditLogCriteria(
            actorId,
            targetType,
            target,
            actions,
            from?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            to?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            errors);
    }

    /// <summary>The typed actor when it is an email to look up, null when it is an id (or empty).</summary>
    public string? ActorEmail => Clean(Actor) is { } actor && actor.Contains('@', StringComparison.Ordinal) ? actor : null;

    private static string? Clean(string? value) => SearchTerm.From(value);

    private static DateOnly? ParseDate(string? text, string field, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year < 9999)
        {
            return date;
        }

        errors[field] = "Enter a date as yyyy-mm-dd.";
        return null;
    }
}

/// <summary>
/// The checked filters as the query applies them: each null means no filter; times are UTC, the
/// end exclusive (the day after <c>to</c>). With any <see cref="Errors"/>, nothing is listed.
/// </summary>
public sealed record AuditLogCriteria(
    string? ActorId,
    string? TargetType,
    string? TargetId,
    IReadOnlyList<string>? Actions,
    DateTime? FromUtc,
    DateTime? BeforeUtc,
    IReadOnlyDictionary<string, string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
