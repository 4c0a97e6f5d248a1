using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>A group's Members tab: add users to the group and remove them.</summary>
[Area("Admin")]
[Route("admin/groups/{id}/members")]
[Authorize(Policy = Permissions.Groups.EditKey)]
public sealed class GroupMembersController(GroupMemberService members) : AdminController
{
    private const string ViewPath = "/Areas/Admin/Views/Groups/Members.cshtml";

    protected override string ListPath => Routes.Groups;

    protected override string GoneMessage => GroupService.MissingMessage;

    protected override string ConflictMessage => GroupService.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string id, string? find, int page = 1) =>
        ShowPage(await members.ListAsync(id, page, find, CurrentActor, HttpContext.RequestAborted), group => View(ViewPath, group));

    [HttpPost("add")]
    public async Task<IActionResult> Add(string id, string? userId, string? find)
    {
        var (result, name) = await members.AddAsync(id, userId ?? "", CurrentActor, HttpContext.RequestAborted);
        return ButtonOutcome(result, $"{name} was added to the group.", RedirectToAction(nameof(Index), new { id, find }));
    }

    [HttpPost("{userId}/remove")]
    public async Task<IActionResult> Remove(string id, string userId)
    {
        var (result, name) = await members.RemoveAsync(id, userId, CurrentActor, HttpContext.RequestAborted);
        return ButtonOutcome(result, $"{name} was removed from the group.", RedirectToAction(nameof(Index), new { id }));
    }
}
