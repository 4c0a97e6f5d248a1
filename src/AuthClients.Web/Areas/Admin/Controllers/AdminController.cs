using AuthClients.Web.Features.Access;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>
/// What every admin page does with the outcome of a change, written once: a subject deleted in the
/// meantime sends the person back to its list with a warning, a request the page never offers is a
/// 403, someone else's newer save is a message above the form, other refusals go next to their
/// fields, and a save is a status message and a redirect (POST-Redirect-GET). Each controller keeps
/// only its own routes, views and messages.
/// </summary>
public abstract class AdminController : Controller
{
    private Actor? _currentActor;

    /// <summary>The list this controller's pages belong to: where a page about something deleted meanwhile leads.</summary>
    protected abstract string ListPath { get; }

    /// <summary>The warning shown on that list ("This user no longer exists. ...").</summary>
    protected abstract string GoneMessage { get; }

    /// <summary>Shown above the form when someone else saved the same thing after the person opened it.</summary>
    protected abstract string ConflictMessage { get; }

    /// <summary>The signed-in administrator, with the rights they hold on this request.</summary>
    protected Actor CurrentActor => _currentActor ??= Actor.From(User);

    /// <summary>A page about one subject: its view, the list when it is gone, or 403 when the viewer may not change it.</summary>
    protected IActionResult ShowPage<T>(Found<T> found, Func<T, IActionResult> view) where T : class =>
        found.Value is null ? GoneToList() : !found.Allowed ? Forbid() : view(found.Value);

    /// <summary>A form shown again after a refused save (whose errors are in the model state), unless its subject is gone.</summary>
    protected IActionResult ShowFormAgain<T>(Found<T> found, Func<T, IActionResult> view) where T : class =>
        found.Value is null ? GoneToList() : view(found.Value);

    /// <summary>
    /// The answer to a form's POST: on a save, <paramref name="savedMessage"/> and <paramref name="savedRedirect"/>;
    /// otherwise the list, a 403, or <paramref name="showForm"/> with the result's messages in the model state.
    /// </summary>
    protected IActionResult FormOutcome(ChangeResult result, string savedMessage, IActionResult savedRedirect, Func<IActionResult> showForm) =>
        Settle(result, savedMessage, savedRedirect) ?? showForm();

    /// <inheritdoc cref="FormOutcome(ChangeResult, string, IActionResult, Func{IActionResult})"/>
    protected async Task<IActionResult> FormOutcome(ChangeResult result, string savedMessage, IActionResult savedRedirect, Func<Task<IActionResult>> showForm) =>
        Settle(result, savedMessage, savedRedirect) ?? await showForm();

    /// <summary>
    /// The answer to a button's POST (delete, add or remove a member): there is no form to show
    /// messages on, so a refusal the person can cause, or someone else's newer save, is a warning on
    /// the page <paramref name="next"/> leads to.
    /// </summary>
    protected IActionResult ButtonOutcome(ChangeResult result, string savedMessage, IActionResult next) => result.Status switch
    {
        ChangeStatus.Saved => WithStatus(savedMessage, next),
        ChangeStatus.NotFound => GoneToList(),
        ChangeStatus.Forbidden when result.Errors is null => Forbid(),
        ChangeStatus.Conflict => WithStatus(ConflictMessage, next, StatusKind.Warning),
        ChangeStatus.Invalid or ChangeStatus.Forbidden => WithStatus(result.Errors![0].Value, next, StatusKind.Warning),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "Not a change status."),
    };

    /// <summary>Sets the one-time status message that the page <paramref name="next"/> leads to shows.</summary>
    protected IActionResult WithStatus(string message, IActionResult next, StatusKind kind = StatusKind.Success)
    {
        TempData.SetStatus(message, kind);
        return next;
    }

    /// <summary>The list, with <see cref="GoneMessage"/>; under the app's path base when it has one.</summary>
    protected IActionResult GoneToList() => WithStatus(GoneMessage, LocalRedirect("~" + ListPath), StatusKind.Warning);

    /// <returns>The response, or null when the form is to be shown again with the messages now in the model state.</returns>
    private IActionResult? Settle(ChangeResult result, string savedMessage, IActionResult savedRedirect)
    {
        switch (result.Status)
        {
            case ChangeStatus.Saved:
                return WithStatus(savedMessage, savedRedirect);
            case ChangeStatus.NotFound:
                return GoneToList();
            case ChangeStatus.Forbidden when result.Errors is null:
                return Forbid();
            case ChangeStatus.Conflict:
                ModelState.AddModelError("", ConflictMessage);
                break;
        }

        ModelState.AddErrors(result);
        return null;
    }
}
