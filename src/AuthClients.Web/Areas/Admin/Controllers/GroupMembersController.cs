using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Hosting;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>A group's Members tab: add users to the group and remove them.</summary>
[Area("Admin")]
[Route("admin/groups/{id}/members")]
[Authorize(Policy = Permissions.Groups.EditKey)]
public sealed class GroupMembersController(GroupMemberService members) : Controller
{
    private const string ViewPath = "/Areas/Admin/Views/Groups/Members.cshtml";

    [HttpGet("")]
    public async Task<IActionResult> Index(string id, string? find, int page = 1)
    {
        var found = await members.ListAsync(id, page, find, Actor.From(User), HttpContext.RequestAborted);
        return found.Value is null ? GoneToList() : !found.Allowed ? Forbid() : View(ViewPath, found.Value);
    }

    [HttpPost("add")]
    public async Task<IActionResult> Add(string id, string? userId, string? find)
    {
        var (result, name) = await members.AddAsync(id, userId ?? "", Actor.From(User), HttpContext.RequestAborted);
        return Outcome(id, result, $"{name} was added to the group.", find);
    }

    [HttpPost("{userId}/remove")]
    public async Task<IActionResult> Remove(string id, string userId)
    {
        var (result, name) = await members.RemoveAsync(id, userId, Actor.From(User), HttpContext.RequestAborted);
        return Outcome(id, result, $"{name} was removed from the group.", find: null);
    }

    private IActionResult Outcome(string id, ChangeResult result, string savedMessage, string? find)
    {
        switch (result.Status)
        {
            case ChangeStatus.NotFound:
                return GoneToList();
            case ChangeStatus.Forbidden:
                return Forbid();
            case ChangeStatus.Invalid:
                TempData.SetStatus(result.Errors![0].Value, StatusKind.Warning);
                break;
            default:
                TempData.SetStatus(savedMessage);
                break;
        }

        return RedirectToAction(nameof(Index), new { id, find });
    }

    private RedirectResult GoneToList()
    {
        TempData.SetStatus(GroupsController.MissingMessage, StatusKind.Warning);
        return Redirect(Routes.Groups);
    }
}
