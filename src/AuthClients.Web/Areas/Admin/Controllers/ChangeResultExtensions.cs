using AuthClients.Web.Features.Access;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace AuthClients.Web.Areas.Admin.Controllers;

internal static class ChangeResultExtensions
{
    /// <summary>Puts a refused change's messages next to their fields (<c>Form.Email</c>), or above the form.</summary>
    public static void AddErrors(this ModelStateDictionary modelState, ChangeResult result, string prefix = "Form")
    {
        foreach (var (field, message) in result.Errors ?? [])
        {
            modelState.AddModelErrorOnce(field.Length == 0 ? "" : $"{prefix}.{field}", message);
        }
    }
}
