using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Auth Clients > a client's Activity tab: its tokens and failed authentications over 30 days, and its latest changes.</summary>
[Area("Admin")]
[Route("admin/auth-clients/{id}/activity")]
[Authorize(Policy = Permissions.AuthClients.ViewKey)]
public sealed class AuthClientActivityController(ClientActivityQueries activity) : AdminController
{
    protected override string ListPath => Routes.AuthClients;

    protected override string GoneMessage => AuthClientCommands.MissingMessage;

    protected override string ConflictMessage => AuthClientCommands.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string id)
    {
        var client = await activity.FindClientAsync(id, HttpContext.RequestAborted);
        return client is null
            ? GoneToList()
            : View(new AuthClientActivityViewModel(await activity.GetAsync(client, HttpContext.RequestAborted)));
    }
}
