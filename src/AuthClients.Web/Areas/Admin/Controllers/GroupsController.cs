using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Groups: the list, and creating, editing and deleting groups.</summary>
[Area("Admin")]
[Route("admin/groups")]
[Authorize(Policy = Permissions.Groups.ViewKey)]
public sealed class GroupsController(GroupService groups) : Controller
{
    public const string CreatedMessage = "The group was created.";
    public const string SavedMessage = "The group was saved.";
    public const string DeletedMessage = "The group was deleted.";
    public const string MissingMessage = "This group no longer exists. It may have been deleted by someone else.";

    [HttpGet("")]
    public async Task<IActionResult> Index(string? search, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize)
    {
        var query = new ListQuery(GroupSort.Columns, search, sort, dir, page, perPage);
        return View(new ListViewModel<GroupListItem>(query, await groups.ListAsync(query, Actor.From(User), HttpContext.RequestAborted)));
    }

    [HttpGet("create")]
    [Authorize(Policy = Permissions.Groups.CreateKey)]
    public IActionResult Create() => View("Form", new GroupFormViewModel(null, new GroupForm()));

    [HttpPost("create")]
    [Authorize(Policy = Permissions.Groups.CreateKey)]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] GroupForm form)
    {
        if (!ModelState.IsValid)
        {
            return View("Form", new GroupFormViewModel(null, form));
        }

        var result = await groups.CreateAsync(form, HttpContext.RequestAborted);
        if (result.Status != ChangeStatus.Saved)
        {
            ModelState.AddErrors(result);
            return View("Form", new GroupFormViewModel(null, form));
        }

        TempData.SetStatus(CreatedMessage);
        return RedirectToAction(nameof(Edit), new { id = result.Id });
    }

    [HttpGet("{id}/edit")]
    [Authorize(Policy = Permissions.Groups.EditKey)]
    public async Task<IActionResult> Edit(string id)
    {
        var found = await groups.GetFormAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return found.Value is null ? GoneToList()
            : !found.Allowed ? Forbid()
            : View("Form", new GroupFormViewModel(found.Value.Group, found.Value.Form));
    }

    [HttpPost("{id}/edit")]
    [Authorize(Policy = Permissions.Groups.EditKey)]
    public async Task<IActionResult> Edit(string id, [Bind(Prefix = "Form")] GroupForm form)
    {
        var actor = Actor.From(User);
        var result = ModelState.IsValid ? await groups.UpdateAsync(id, form, actor, HttpContext.RequestAborted) : ChangeResult.NotSaved;
        switch (result.Status)
        {
            case ChangeStatus.Saved:
                TempData.SetStatus(SavedMessage);
                return RedirectToAction(nameof(Edit), new { id });
            case ChangeStatus.NotFound:
                return GoneToList();
            case ChangeStatus.Forbidden:
                return Forbid();
            case ChangeStatus.Conflict:
                ModelState.AddModelError("", GroupService.ConflictMessage);
                break;
        }

        ModelState.AddErrors(result);
        var header = await groups.FindAsync(id, actor, HttpContext.RequestAborted);
        return header.Value is null ? GoneToList() : View("Form", new GroupFormViewModel(header.Value, form));
    }

    [HttpPost("{id}/delete")]
    [Authorize(Policy = Permissions.Groups.DeleteKey)]
    public async Task<IActionResult> Delete(string id)
    {
        var result = await groups.DeleteAsync(id, Actor.From(User), HttpContext.RequestAborted);
        switch (result.Status)
        {
            case ChangeStatus.NotFound:
                return GoneToList();
            case ChangeStatus.Forbidden:
                return Forbid();
            case ChangeStatus.Invalid:
                TempData.SetStatus(result.Errors![0].Value, StatusKind.Warning);
                return RedirectToAction(nameof(Index));
        }

        TempData.SetStatus(DeletedMessage);
        return RedirectToAction(nameof(Index));
    }

    private RedirectToActionResult GoneToList()
    {
        TempData.SetStatus(MissingMessage, StatusKind.Warning);
        return RedirectToAction(nameof(Index));
    }
}
