using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthClients.Web.Controllers;

/// <remarks>
/// Nothing here is model-bound: the page is re-executed for the request that failed, and when that
/// request's body was unreadable, binding would leave every argument at its default (a status of 0).
/// </remarks>
[AllowAnonymous]
[IgnoreAntiforgeryToken] // re-executed for failed POSTs too; it changes nothing
[Route("error")]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ErrorController : Controller
{
    private const string StatusCodeValue = "statusCode";

    /// <summary>Where the exception handler sends an unhandled exception; without one, there is nothing to show.</summary>
    [Route("")]
    public IActionResult Index() =>
        HttpContext.Features.Get<IExceptionHandlerFeature>() is null ? Render(StatusCodes.Status404NotFound) : Render(StatusCodes.Status500InternalServerError);

    /// <summary>The page for an error status; a number that is not a known 4xx or 5xx status is a page that does not exist.</summary>
    [Route($"{{{StatusCodeValue}:int}}")]
    public IActionResult Status() =>
        Render(int.TryParse(RouteData.Values[StatusCodeValue]?.ToString(), out var code) && IsKnownError(code) ? code : StatusCodes.Status404NotFound);

    private ViewResult Render(int statusCode)
    {
        Response.StatusCode = statusCode;
        return View("Error", new ErrorViewModel(statusCode, HttpContext.TraceIdentifier));
    }

    private static bool IsKnownError(int code) => code is >= 400 and <= 599 && ReasonPhrases.GetReasonPhrase(code).Length > 0;
}
