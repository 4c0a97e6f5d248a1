using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>A user's Permissions tab: "Make this user a Super Admin" and the permission catalogue.</summary>
[Area("Admin")]
[Route("admin/users/{id}/permissions")]
[Authorize(Policy = Permissions.Users.EditKey)]
public sealed class UserPermissionsController(UserPermissionService permissions) : AdminController
{
    private const string ViewPath = "/Areas/Admin/Views/Users/Permissions.cshtml";

    public const string SavedMessage = "The permissions were saved. They apply from the user's next request.";

    protected override string ListPath => Routes.Users;

    protected override string GoneMessage => UserService.MissingMessage;

    protected override string ConflictMessage => UserService.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string id) =>
        ShowPage(await permissions.GetAsync(id, CurrentActor, HttpContext.RequestAborted), user => View(ViewPath, ViewModel(user)));

    [HttpPost("")]
    public async Task<IActionResult> Index(string id, [Bind(Prefix = "Form")] PermissionsForm form)
    {
        var result = await permissions.SaveAsync(id, form, CurrentActor, HttpContext.RequestAborted);
        return await FormOutcome(result, SavedMessage, RedirectToAction(nameof(Index), new { id }), async () =>
            ShowFormAgain(await permissions.GetAsync(id, CurrentActor, HttpContext.RequestAborted), user => View(ViewPath, ViewModel(user).WithPosted(form))));
    }

    private UserPermissionsViewModel ViewModel(UserPermissions user) =>
        new(user.User, new PermissionsViewModel($"{Routes.Users}/{user.User.Id}/permissions", user.Own, CurrentActor, user.ReadOnlyReason)
        {
            ShowSuperAdmin = true,
            SuperAdmin = user.User.IsSuperAdmin,
            ConcurrencyStamp = user.ConcurrencyStamp,
            ThroughGroups = user.ThroughGroups,
        });
}
