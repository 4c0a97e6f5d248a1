using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Controllers;

public sealed class HomeController : Controller
{
    /// <summary>"/" and the top menu's Admin: the Users page, or the first admin page this user may open.</summary>
    [HttpGet("/")]
    [HttpGet("/admin")]
    public IActionResult Index() =>
        User.Can(Permissions.Users.View) ? Redirect(Routes.Users)
        : User.Can(Permissions.Groups.View) ? Redirect(Routes.Groups)
        : User.Can(Permissions.AuthClients.View) ? Redirect(Routes.AuthClients)
        : Redirect(Routes.Users);
}
