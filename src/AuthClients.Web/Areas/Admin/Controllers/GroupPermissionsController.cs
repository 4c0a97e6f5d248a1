using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>A group's Permissions tab: what every member of the group gets.</summary>
[Area("Admin")]
[Route("admin/groups/{id}/permissions")]
[Authorize(Policy = Permissions.Groups.EditKey)]
public sealed class GroupPermissionsController(GroupPermissionService permissions) : AdminController
{
    private const string ViewPath = "/Areas/Admin/Views/Groups/Permissions.cshtml";

    public const string SavedMessage = "The permissions were saved. They apply to every member from their next request.";

    protected override string ListPath => Routes.Groups;

    protected override string GoneMessage => GroupService.MissingMessage;

    protected override string ConflictMessage => GroupPermissionService.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string id) =>
        ShowPage(await permissions.GetAsync(id, CurrentActor, HttpContext.RequestAborted), group => View(ViewPath, ViewModel(group)));

    [HttpPost("")]
    public async Task<IActionResult> Index(string id, [Bind(Prefix = "Form")] PermissionsForm form)
    {
        var result = await permissions.SaveAsync(id, form, CurrentActor, HttpContext.RequestAborted);
        return await FormOutcome(result, SavedMessage, RedirectToAction(nameof(Index), new { id }), async () =>
            ShowFormAgain(await permissions.GetAsync(id, CurrentActor, HttpContext.RequestAborted), group => View(ViewPath, ViewModel(group).WithPosted(form))));
    }

    private GroupPermissionsViewModel ViewModel(GroupPermissions group) =>
        new(group.Group, new PermissionsViewModel($"{Routes.Groups}/{group.Group.Id}/permissions", group.Granted, CurrentActor, group.ReadOnlyReason));
}
