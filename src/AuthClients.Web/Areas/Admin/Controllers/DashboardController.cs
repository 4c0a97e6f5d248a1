using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Dashboard;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>
/// Admin > Dashboard, the landing page of every signed-in user: what needs attention, limited to
/// what the viewer may see. A user who may see none of it gets a page saying what they can open,
/// not a 403: it is where "/" and the top menu's Admin lead.
/// </summary>
[Area("Admin")]
public sealed class DashboardController(DashboardQueries dashboard) : Controller
{
    [HttpGet(Routes.Dashboard)]
    public async Task<IActionResult> Index() =>
        View(await dashboard.GetAsync(User.Can(Permissions.AuthClients.View), User.Can(Permissions.Audit.View), HttpContext.RequestAborted));
}
