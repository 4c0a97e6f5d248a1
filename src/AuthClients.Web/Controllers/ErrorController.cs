using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Controllers;

[AllowAnonymous]
[IgnoreAntiforgeryToken] // re-executed for failed POSTs too; it changes nothing
[Route("error")]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ErrorController : Controller
{
    [Route("")]
    public IActionResult Index() => View("Error", new ErrorViewModel(500, HttpContext.TraceIdentifier));

    [Route("{statusCode:int}")]
    public IActionResult Status(int statusCode)
    {
        Response.StatusCode = statusCode;
        return View("Error", new ErrorViewModel(statusCode, HttpContext.TraceIdentifier));
    }
}
