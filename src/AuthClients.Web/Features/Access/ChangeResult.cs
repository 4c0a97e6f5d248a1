namespace AuthClients.Web.Features.Access;

public enum ChangeStatus { Saved, Invalid, NotFound, Conflict, Forbidden }

/// <summary>
/// The outcome of a change to a user, a group or an auth client. <see cref="ChangeStatus.Invalid"/>
/// carries messages for the form (a field name, or "" for the whole form). <see cref="ChangeStatus.Forbidden"/>
/// without messages is a request the page never offers (the service has logged why); with a message
/// (<see cref="Refused"/>) it is a right the person lacks and should read about next to the field.
/// </summary>
public sealed record ChangeResult(ChangeStatus Status, string? Id = null, IReadOnlyList<KeyValuePair<string, string>>? Errors = null)
{
    public static ChangeResult Saved(string id) => new(ChangeStatus.Saved, id);

    public static readonly ChangeResult NotFound = new(ChangeStatus.NotFound);

    public static readonly ChangeResult Conflict = new(ChangeStatus.Conflict);

    public static readonly ChangeResult Forbidden = new(ChangeStatus.Forbidden);

    /// <summary>The form itself was invalid (its messages are already in the model state): nothing was tried.</summary>
    public static readonly ChangeResult NotSaved = new(ChangeStatus.Invalid);

    public static ChangeResult Invalid(string field, string message) => new(ChangeStatus.Invalid, Errors: [new(field, message)]);

    public static ChangeResult Invalid(IEnumerable<KeyValuePair<string, string>> errors) => new(ChangeStatus.Invalid, Errors: errors.ToList());

    /// <summary>Refused for a right the person lacks, said next to <paramref name="field"/> (the API answers 403 with it).</summary>
    public static ChangeResult Refused(string field, string message) => new(ChangeStatus.Forbidden, Errors: [new(field, message)]);
}
