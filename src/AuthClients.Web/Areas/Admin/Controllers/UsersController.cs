using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Users: the list, and creating, editing, resetting the password of and deleting users.</summary>
[Area("Admin")]
[Route("admin/users")]
[Authorize(Policy = Permissions.Users.ViewKey)]
public sealed class UsersController(UserListService list, UserService users) : Controller
{
    public const string CreatedMessage = "The user was created.";
    public const string SavedMessage = "The user was saved.";
    public const string DeletedMessage = "The user was deleted.";
    public const string PasswordResetMessage = "The password was reset.";
    public const string MissingMessage = "This user no longer exists. They may have been deleted by someone else.";

    [HttpGet("")]
    public async Task<IActionResult> Index(string? search, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize)
    {
        var query = new ListQuery(UserSort.Columns, search, sort, dir, page, perPage);
        return View(new ListViewModel<UserListItem>(query, await list.ListAsync(query, Actor.From(User), HttpContext.RequestAborted)));
    }

    [HttpGet("create")]
    [Authorize(Policy = Permissions.Users.CreateKey)]
    public IActionResult Create() => View(new CreateUserViewModel(new CreateUserForm()));

    [HttpPost("create")]
    [Authorize(Policy = Permissions.Users.CreateKey)]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] CreateUserForm form)
    {
        if (!ModelState.IsValid)
        {
            return View(new CreateUserViewModel(form));
        }

        var result = await users.CreateAsync(form, HttpContext.RequestAborted);
        if (result.Status != ChangeStatus.Saved)
        {
            ModelState.AddErrors(result);
            return View(new CreateUserViewModel(form));
        }

        TempData.SetStatus(CreatedMessage);
        return RedirectToAction(nameof(Edit), new { id = result.Id });
    }

    [HttpGet("{id}/edit")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Edit(string id)
    {
        var found = await users.GetFormAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return found.Value is null ? GoneToList()
            : !found.Allowed ? Forbid()
            : View(new EditUserViewModel(found.Value.User, found.Value.Form));
    }

    [HttpPost("{id}/edit")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Edit(string id, [Bind(Prefix = "Form")] EditUserForm form)
    {
        var result = ModelState.IsValid ? await users.UpdateAsync(id, form, Actor.From(User), HttpContext.RequestAborted) : ChangeResult.NotSaved;
        return await Outcome(id, result, SavedMessage, nameof(Edit), header => View(new EditUserViewModel(header, form)));
    }

    [HttpGet("{id}/password")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Password(string id)
    {
        var header = await users.FindAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return header.Value is null ? GoneToList()
            : !header.Allowed ? Forbid()
            : View(new ResetPasswordViewModel(header.Value, new ResetPasswordForm()));
    }

    [HttpPost("{id}/password")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Password(string id, [Bind(Prefix = "Form")] ResetPasswordForm form)
    {
        var result = ModelState.IsValid ? await users.ResetPasswordAsync(id, form, Actor.From(User), HttpContext.RequestAborted) : ChangeResult.NotSaved;
        return await Outcome(id, result, PasswordResetMessage, nameof(Password), header => View(new ResetPasswordViewModel(header, new ResetPasswordForm())));
    }

    [HttpPost("{id}/delete")]
    [Authorize(Policy = Permissions.Users.DeleteKey)]
    public async Task<IActionResult> Delete(string id)
    {
        var result = await users.DeleteAsync(id, Actor.From(User), HttpContext.RequestAborted);
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

    /// <summary>What a save on a user's tab leads to: back to the tab with a message, or the form again with its errors.</summary>
    private async Task<IActionResult> Outcome(string id, ChangeResult result, string savedMessage, string action, Func<UserHeader, IActionResult> showForm)
    {
        switch (result.Status)
        {
            case ChangeStatus.Saved:
                TempData.SetStatus(savedMessage);
                return RedirectToAction(action, new { id });
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

        var header = await users.FindAsync(id, Actor.From(User), HttpContext.RequestAborted);
        return header.Value is null ? GoneToList() : showForm(header.Value);
    }

    private RedirectToActionResult GoneToList()
    {
        TempData.SetStatus(MissingMessage, StatusKind.Warning);
        return RedirectToAction(nameof(Index));
    }
}
