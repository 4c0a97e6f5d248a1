using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Users: the list, and creating, editing, resetting the password of and deleting users.</summary>
[Area("Admin")]
[Route("admin/users")]
[Authorize(Policy = Permissions.Users.ViewKey)]
public sealed class UsersController(UserListService list, UserService users, SecondFactorResetService secondFactors) : AdminController
{
    public const string CreatedMessage = "The user was created.";
    public const string SavedMessage = "The user was saved.";
    public const string DeletedMessage = "The user was deleted.";
    public const string PasswordResetMessage = "The password was reset.";
    public const string SecondFactorResetMessage = "The authenticator app, recovery codes and passkeys of this user were removed. They can sign in with their password and set up new ones.";

    protected override string ListPath => Routes.Users;

    protected override string GoneMessage => UserService.MissingMessage;

    protected override string ConflictMessage => UserService.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? search, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize)
    {
        var query = new ListQuery(UserSort.Columns, search, sort, dir, page, perPage);
        return View(new ListViewModel<UserListItem>(query, await list.ListAsync(query, CurrentActor, HttpContext.RequestAborted)));
    }

    [HttpGet("create")]
    [Authorize(Policy = Permissions.Users.CreateKey)]
    public IActionResult Create() => View(new CreateUserViewModel(new CreateUserForm()));

    [HttpPost("create")]
    [Authorize(Policy = Permissions.Users.CreateKey)]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] CreateUserForm form)
    {
        var result = ModelState.IsValid ? await users.CreateAsync(form, HttpContext.RequestAborted) : ChangeResult.NotSaved;
        return FormOutcome(result, CreatedMessage, RedirectToAction(nameof(Edit), new { id = result.Id }), () => View(new CreateUserViewModel(form)));
    }

    [HttpGet("{id}/edit")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Edit(string id) =>
        ShowPage(await users.GetFormAsync(id, CurrentActor, HttpContext.RequestAborted), user => View(new EditUserViewModel(user.User, user.Form)));

    [HttpPost("{id}/edit")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Edit(string id, [Bind(Prefix = "Form")] EditUserForm form)
    {
        var result = ModelState.IsValid ? await users.UpdateAsync(id, form, CurrentActor, HttpContext.RequestAborted) : ChangeResult.NotSaved;
        return await FormOutcome(result, SavedMessage, RedirectToAction(nameof(Edit), new { id }), () => FormAgainAsync(id, header => View(new EditUserViewModel(header, form))));
    }

    [HttpGet("{id}/password")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Password(string id)
    {
        var status = await secondFactors.StatusAsync(id);
        return ShowPage(await users.FindAsync(id, CurrentActor, HttpContext.RequestAborted), header => View(new ResetPasswordViewModel(header, new ResetPasswordForm(), status)));
    }

    [HttpPost("{id}/password")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> Password(string id, [Bind(Prefix = "Form")] ResetPasswordForm form)
    {
        var result = ModelState.IsValid ? await users.ResetPasswordAsync(id, form, CurrentActor, HttpContext.RequestAborted) : ChangeResult.NotSaved;
        var status = await secondFactors.StatusAsync(id);
        return await FormOutcome(result, PasswordResetMessage, RedirectToAction(nameof(Password), new { id }), () => FormAgainAsync(id, header => View(new ResetPasswordViewModel(header, new ResetPasswordForm(), status))));
    }

    [HttpPost("{id}/second-factor/reset")]
    [Authorize(Policy = Permissions.Users.EditKey)]
    public async Task<IActionResult> ResetSecondFactor(string id) =>
        ButtonOutcome(await secondFactors.ResetAsync(id, CurrentActor, HttpContext.RequestAborted), SecondFactorResetMessage, RedirectToAction(nameof(Password), new { id }));

    [HttpPost("{id}/delete")]
    [Authorize(Policy = Permissions.Users.DeleteKey)]
    public async Task<IActionResult> Delete(string id) =>
        ButtonOutcome(await users.DeleteAsync(id, CurrentActor, HttpContext.RequestAborted), DeletedMessage, RedirectToAction(nameof(Index)));

    /// <summary>A user's tab again after a refused save, read afresh for its header.</summary>
    private async Task<IActionResult> FormAgainAsync(string id, Func<UserHeader, IActionResult> view) =>
        ShowFormAgain(await users.FindAsync(id, CurrentActor, HttpContext.RequestAborted), view);
}
