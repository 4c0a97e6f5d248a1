using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Hosting;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>A group's Permissions tab: what every member of the group gets.</summary>
[Area("Admin")]
[Route("admin/groups/{id}/permissions")]
[Authorize(Policy = Permissions.Groups.EditKey)]
public sealed class GroupPermissionsController(GroupPermissionService permissions) : Controller
{
    private const string ViewPath = "/Areas/Admin/Views/Groups/Permissions.cshtml";

    public const string SavedMessage = "The permissions were saved. They apply to every member from their next request.";

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
                ModelState.AddModelError("", "Someone else changed this group's permissions at the same moment. Reload to see their changes, then try again.");
                break;
            default:
                ModelState.AddErrors(result);
                break;
        }

        var found = await permissions.GetAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return found.Value is null ? GoneToList() : View(ViewPath, ViewModel(found.Value).WithPosted(form));
    }

    private GroupPermissionsViewModel ViewModel(GroupPermissions group) =>
        new(group.Group, new PermissionsViewModel($"{Routes.Groups}/{group.Group.Id}/permissions", group.Granted, Actor.From(User), group.ReadOnlyReason));

    private RedirectResult GoneToList()
    {
        TempData.SetStatus(GroupsController.MissingMessage, StatusKind.Warning);
        return Redirect(Routes.Groups);
    }
}
