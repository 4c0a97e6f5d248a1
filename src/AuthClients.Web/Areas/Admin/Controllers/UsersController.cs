using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

[Area("Admin")]
[Route("admin/users")]
[Authorize(Policy = Permissions.Users.ViewKey)]
public sealed class UsersController(UserListService users) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(int page = 1) => View(await users.ListAsync(page, HttpContext.RequestAborted));
}
