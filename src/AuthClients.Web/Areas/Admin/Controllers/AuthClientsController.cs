using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Auth Clients: the list and its create, edit, delete and secret actions.</summary>
[Area("Admin")]
[Route("admin/auth-clients")]
[Authorize(Policy = Permissions.AuthClients.ViewKey)]
public sealed class AuthClientsController(AuthClientQueries clients, AuthClientCommands commands, AuthClientCredentials secrets) : AdminController
{
    public const string CreatedMessage = "The auth client was created.";
    public const string SavedMessage = "The auth client was saved.";
    public const string DeletedMessage = "The auth client was deleted.";
    public const string SecretRegeneratedMessage = "A new client secret was generated. The previous secret no longer works.";

    protected override string ListPath => Routes.AuthClients;

    protected override string GoneMessage => AuthClientCommands.MissingMessage;

    protected override string ConflictMessage => AuthClientCommands.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? search, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize)
    {
        var query = new ListQuery(AuthClientSort.Columns, search, sort, dir, page, perPage);
        return View(new ListViewModel<AuthClientListItem>(query, await clients.ListAsync(query, HttpContext.RequestAborted)));
    }

    [HttpGet("create")]
    [Authorize(Policy = Permissions.AuthClients.CreateKey)]
    public IActionResult Create() => View("Form", AuthClientFormViewModel.ForCreate(new AuthClientForm()));

    [HttpPost("create")]
    [Authorize(Policy = Permissions.AuthClients.CreateKey)]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] AuthClientForm form)
    {
        // The page shows no secret on creation: it is copied from the list when needed.
        var result = ModelState.IsValid
            ? (await commands.CreateAsync(form.ToSettings(), User.GetUserId(), User.GrantableScopes(), HttpContext.RequestAborted)).Result
            : ChangeResult.NotSaved;
        return FormOutcome(result, CreatedMessage, RedirectToAction(nameof(Index)), () => View("Form", AuthClientFormViewModel.ForCreate(form)));
    }

    [HttpGet("{id}/edit")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> Edit(string id)
    {
        var settings = await clients.GetSettingsAsync(id, HttpContext.RequestAborted);
        return settings is null ? GoneToList() : View("Form", AuthClientFormViewModel.ForEdit(id, AuthClientForm.From(settings)));
    }

    [HttpPost("{id}/edit")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> Edit(string id, [Bind(Prefix = "Form")] AuthClientForm form)
    {
        var result = ModelState.IsValid
            ? await commands.UpdateAsync(id, form.ToSettings(), User.GrantableScopes(), HttpContext.RequestAborted)
            : ChangeResult.NotSaved;
        return FormOutcome(result, SavedMessage, RedirectToAction(nameof(Index)), () => View("Form", AuthClientFormViewModel.ForEdit(id, form)));
    }

    [HttpPost("{id}/delete")]
    [Authorize(Policy = Permissions.AuthClients.DeleteKey)]
    public async Task<IActionResult> Delete(string id) =>
        ButtonOutcome(await commands.DeleteAsync(id, HttpContext.RequestAborted), DeletedMessage, RedirectToAction(nameof(Index)));

    /// <summary>The copy button's request: the secret, decrypted on demand, never cached.</summary>
    [HttpPost("{id}/secret")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public async Task<IActionResult> Secret(string id)
    {
        var scopes = await clients.GetScopesAsync(id, HttpContext.RequestAborted);
        if (scopes is null)
        {
            return Problem(title: AuthClientCommands.MissingMessage, statusCode: StatusCodes.Status404NotFound);
        }

        if (SecretRefusal(scopes) is { } refused)
        {
            return refused;
        }

        var secret = await secrets.RevealSecretAsync(id, cancellationToken: HttpContext.RequestAborted);
        return secret is null
            ? Problem(title: AuthClientCommands.MissingMessage, statusCode: StatusCodes.Status404NotFound)
            : Json(new { secret });
    }

    [HttpPost("{id}/regenerate-secret")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> RegenerateSecret(string id)
    {
        var scopes = await clients.GetScopesAsync(id, HttpContext.RequestAborted);
        if (scopes is null)
        {
            return GoneToList();
        }

        if (SecretRefusal(scopes) is { } refused)
        {
            return refused;
        }

        var (result, _) = await secrets.RegenerateSecretAsync(id, HttpContext.RequestAborted);
        return ButtonOutcome(result, SecretRegeneratedMessage, RedirectToAction(nameof(Edit), new { id }));
    }

    /// <summary>Taking a client's secret hands over its scopes' rights: refused unless the user holds them all.</summary>
    private ObjectResult? SecretRefusal(IReadOnlyList<string> scopes) =>
        User.MayTakeSecretOf(scopes)
            ? null
            : Problem(title: AuthClientCredentials.RefusalMessage(scopes), statusCode: StatusCodes.Status403Forbidden);
}
