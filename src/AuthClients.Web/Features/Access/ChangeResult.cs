namespace AuthClients.Web.Features.Access;

public enum ChangeStatus { Saved, Invalid, NotFound, Conflict, Forbidden }

/// <summary>
/// The outcome of a change to a user or a group. <see cref="ChangeStatus.Invalid"/> carries
/// messages for the form (a field name, or "" for the whole form); <see cref="ChangeStatus.Forbidden"/>
/// is a request the page never offers (the service has logged why).
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
}
