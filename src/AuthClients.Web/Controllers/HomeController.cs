using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Controllers;

public sealed class HomeController : Controller
{
    /// <summary>"/" (where signing in lands): the Admin Dashboard, which shows each user what they may see.</summary>
    [HttpGet("/")]
    public IActionResult Index() => LocalRedirect("~" + Routes.Dashboard);
}
