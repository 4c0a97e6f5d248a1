using AuthClients.Web.Features.Access;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace AuthClients.Web.Models;

/// <summary>How pages and the API add their own messages to a form's model state.</summary>
public static class ModelStateMessages
{
    /// <summary>
    /// Adds <paramref name="message"/> to <paramref name="key"/> unless it is there already: a rule
    /// reached twice (by the field checks and the form's own checks, or for a value sent twice) is
    /// said once.
    /// </summary>
    public static void AddModelErrorOnce(this ModelStateDictionary modelState, string key, string message)
    {
        if (!modelState.TryGetValue(key, out var entry) || !entry.Errors.Any(e => e.ErrorMessage == message))
        {
            modelState.AddModelError(key, message);
        }
    }

    /// <summary>
    /// Puts the messages of a change that was not saved next to their fields (<c>Form.Email</c>), or
    /// above the form for "" : the one way a <see cref="ChangeResult"/> reaches a form.
    /// </summary>
    public static void AddErrors(this ModelStateDictionary modelState, ChangeResult result)
    {
        foreach (var (field, message) in result.Errors ?? [])
        {
            modelState.AddModelErrorOnce(field.Length == 0 ? "" : $"Form.{field}", message);
        }
    }
}
