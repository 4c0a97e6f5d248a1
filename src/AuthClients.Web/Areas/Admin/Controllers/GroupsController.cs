using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Groups: the list, and creating, editing and deleting groups.</summary>
[Area("Admin")]
[Route("admin/groups")]
[Authorize(Policy = Permissions.Groups.ViewKey)]
public sealed class GroupsController(GroupService groups) : AdminController
{
    public const string CreatedMessage = "The group was created.";
    public const string SavedMessage = "The group was saved.";
    public const string DeletedMessage = "The group was deleted.";

    protected override string ListPath => Routes.Groups;

    protected override string GoneMessage => GroupService.MissingMessage;

    protected override string ConflictMessage => GroupService.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? search, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize)
    {
        var query = new ListQuery(GroupSort.Columns, search, sort, dir, page, perPage);
        return View(new ListViewModel<GroupListItem>(query, await groups.ListAsync(query, CurrentActor, HttpContext.RequestAborted)));
    }

    [HttpGet("create")]
    [Authorize(Policy = Permissions.Groups.CreateKey)]
    public IActionResult Create() => View("Form", new GroupFormViewModel(null, new GroupForm()));

    [HttpPost("create")]
    [Authorize(Policy = Permissions.Groups.CreateKey)]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] GroupForm form)
    {
        var result = ModelState.IsValid ? await groups.CreateAsync(form, HttpContext.RequestAborted) : ChangeResult.NotSaved;
        return FormOutcome(result, CreatedMessage, RedirectToAction(nameof(Edit), new { id = result.Id }), () => View("Form", new GroupFormViewModel(null, form)));
    }

    [HttpGet("{id}/edit")]
    [Authorize(Policy = Permissions.Groups.EditKey)]
    public async Task<IActionResult> Edit(string id) =>
        ShowPage(await groups.GetFormAsync(id, CurrentActor, HttpContext.RequestAborted), group => View("Form", new GroupFormViewModel(group.Group, group.Form)));

    [HttpPost("{id}/edit")]
    [Authorize(Policy = Permissions.Groups.EditKey)]
    public async Task<IActionResult> Edit(string id, [Bind(Prefix = "Form")] GroupForm form)
    {
        var result = ModelState.IsValid ? await groups.UpdateAsync(id, form, CurrentActor, HttpContext.RequestAborted) : ChangeResult.NotSaved;
        return await FormOutcome(result, SavedMessage, RedirectToAction(nameof(Edit), new { id }), async () =>
            ShowFormAgain(await groups.FindAsync(id, CurrentActor, HttpContext.RequestAborted), header => View("Form", new GroupFormViewModel(header, form))));
    }

    [HttpPost("{id}/delete")]
    [Authorize(Policy = Permissions.Groups.DeleteKey)]
    public async Task<IActionResult> Delete(string id) =>
        ButtonOutcome(await groups.DeleteAsync(id, CurrentActor, HttpContext.RequestAborted), DeletedMessage, RedirectToAction(nameof(Index)));
}
