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
        User.Can(Permissions.Users.View) || !User.Can(Permissions.AuthClients.View)
            ? Redirect(Routes.Users)
            : Redirect(Routes.AuthClients);
}
