using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>A user's Permissions tab: "Make this user a Super Admin" and the permission catalogue.</summary>
[Area("Admin")]
[Route("admin/users/{id}/permissions")]
[Authorize(Policy = Permissions.Users.EditKey)]
public sealed class UserPermissionsController(UserPermissionService permissions) : Controller
{
    private const string ViewPath = "/Areas/Admin/Views/Users/Permissions.cshtml";

    public const string SavedMessage = "The permissions were saved. They apply from the user's next request.";

    [HttpGet("")]
    public async Task<IActionResult> Index(string id)
    {
        var found = await permissions.GetAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return found.Value is null ? GoneToList() : !found.Allowed ? Forbid() : View(ViewPath, ViewModel(found.Value));
    }

    [HttpPost("")]
    public async Task<IActionResult> Index(string id, [Bind(Prefix = "Form")] PermissionsForm form)
    {
        var result = await permissions.SaveAsync(id, form, Actor.From(User), HttpContext.RequestAborted);
        switch (result.Status)
        {
            case ChangeStatus.Saved:
                TempData.SetStatus(SavedMessage);
                return RedirectToAction(nameof(Index), new { id });
            case ChangeStatus.NotFound:
                return GoneToList();
            case ChangeStatus.Forbidden:
                return Forbid();
            case ChangeStatus.Conflict:
                ModelState.AddModelError("", UserService.ConflictMessage);
                break;
            default:
                ModelState.AddErrors(result);
                break;
        }

        var found = await permissions.GetAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return found.Value is null ? GoneToList() : View(ViewPath, ViewModel(found.Value).WithPosted(form));
    }

    private UserPermissionsViewModel ViewModel(UserPermissions user) =>
        new(user.User, new PermissionsViewModel($"{Routes.Users}/{user.User.Id}/permissions", user.Own, Actor.From(User), user.ReadOnlyReason)
        {
            ShowSuperAdmin = true,
            SuperAdmin = user.User.IsSuperAdmin,
            ConcurrencyStamp = user.ConcurrencyStamp,
            ThroughGroups = user.ThroughGroups,
        });

    private RedirectResult GoneToList()
    {
        TempData.SetStatus(UsersController.MissingMessage, StatusKind.Warning);
        return Redirect(Routes.Users);
    }
}
