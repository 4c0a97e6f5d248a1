using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ActionConstraints;
using Microsoft.AspNetCore.Routing;

namespace AuthClients.Web.Connect;

/// <summary>
/// Selects an action only for a form post that carries the named field, so the consent page's
/// Allow and Deny buttons reach their own (anti-forgery checked) actions while the protocol
/// endpoint at the same address takes every other GET and POST (as OpenIddict's samples do).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class FormValueRequiredAttribute(string name) : ActionMethodSelectorAttribute
{
    /// <summary>A field whose presence rules this action out (Allow and Deny both posted: Deny wins, never both).</summary>
    public string? Unless { get; init; }

    public override bool IsValidForRequest(RouteContext routeContext, ActionDescriptor action)
    {
        var request = routeContext.HttpContext.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType)
        {
            return false;
        }

        try
        {
            // OpenIddict has read the form already (it extracts the protocol request first), so this is cached.
            var form = request.Form;
            return !string.IsNullOrEmpty(form[name]) && (Unless is null || !form.ContainsKey(Unless));
        }
        catch (Exception unreadable) when (unreadable is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false;
        }
    }
}
