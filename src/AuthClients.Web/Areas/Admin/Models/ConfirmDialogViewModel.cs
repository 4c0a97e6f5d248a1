namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>
/// A dialog that asks "Are you sure ...?" before a post: a row's delete, or a credential's "Revoke now".
/// The question reads <c>{Question} {Name}? {Consequence}</c>.
/// </summary>
/// <param name="Id">The dialog's id, which the button that opens it targets.</param>
/// <param name="Question">The question up to the name ("Are you sure you want to delete the user").</param>
/// <param name="Consequence">What confirming does, said after the question.</param>
/// <param name="Name">What the question is about; null when the button that opens the dialog gives it.</param>
/// <param name="Action">Where Confirm posts; null when the button that opens the dialog gives it.</param>
public sealed record ConfirmDialogViewModel(string Id, string Question, string Consequence, string? Name = null, string? Action = null)
{
    /// <summary>The id of the delete dialog that every row's Delete button opens.</summary>
    public const string DeleteId = "delete-dialog";

    /// <summary>
    /// Whether the button that opens the dialog gives its name and action: site.js copies them from a
    /// row's Delete button or a credential's Revoke now button (<c>data-delete-url</c>, <c>data-delete-name</c>).
    /// </summary>
    public bool TakesRow => Action is null;

    /// <summary>The dialog that confirms a list's delete; a row's Delete button gives it the row's name and delete URL.</summary>
    /// <param name="noun">What a row is ("auth client", "user").</param>
    /// <param name="consequence">What the delete does, said after the question.</param>
    public static ConfirmDialogViewModel Delete(string noun, string consequence) =>
        new(DeleteId, $"Are you sure you want to delete the {noun}", consequence);
}
