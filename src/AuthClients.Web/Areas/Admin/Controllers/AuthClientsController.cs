using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Auth Clients: the list and its create, edit, delete and credential actions.</summary>
[Area("Admin")]
[Route("admin/auth-clients")]
[Authorize(Policy = Permissions.AuthClients.ViewKey)]
public sealed class AuthClientsController(AuthClientQueries clients, AuthClientCommands commands, AuthClientCredentials secrets, TimeProvider clock) : AdminController
{
    public const string CreatedMessage = "The auth client was created.";
    public const string SavedMessage = "The auth client was saved.";
    public const string DeletedMessage = "The auth client was deleted.";
    public const string SecretRegeneratedMessage = "A new client secret was generated. The previous secret no longer works.";
    public const string SecretRotatedMessage = "A new client secret was created: copy it with its copy button below.";
    public const string PublicKeyAddedMessage = "The public key was added.";
    public const string RevokedMessage = "The credential was revoked: it is refused from now on.";

    private const string CredentialsFragment = "credentials";

    protected override string ListPath => Routes.AuthClients;

    protected override string GoneMessage => AuthClientCommands.MissingMessage;

    protected override string ConflictMessage => AuthClientCommands.ConflictMessage;

    [HttpGet("")]
    public async Task<IActionResult> Index(
        string? search, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize, string? filter = null, string? after = null, string? before = null)
    {
        var query = new ListQuery(AuthClientSort.Columns, search, sort, dir, page, perPage, filter, after, before);
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
    public Task<IActionResult> Edit(string id) => EditPageAsync(id);

    [HttpPost("{id}/edit")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> Edit(string id, [Bind(Prefix = "Form")] AuthClientForm form)
    {
        var result = ModelState.IsValid
            ? await commands.UpdateAsync(id, form.ToSettings(), User.GrantableScopes(), HttpContext.RequestAborted)
            : ChangeResult.NotSaved;
        return await FormOutcome(result, SavedMessage, RedirectToAction(nameof(Index)), () => EditPageAsync(id, form));
    }

    [HttpPost("{id}/delete")]
    [Authorize(Policy = Permissions.AuthClients.DeleteKey)]
    public async Task<IActionResult> Delete(string id) =>
        ButtonOutcome(await commands.DeleteAsync(id, HttpContext.RequestAborted), DeletedMessage, RedirectToAction(nameof(Index)));

    /// <summary>The copy button's request: the secret (the newest active one, or <paramref name="credential"/>), decrypted on demand, never cached.</summary>
    [HttpPost("{id}/secret")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public async Task<IActionResult> Secret(string id, [FromQuery] string? credential = null)
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

        var secret = await secrets.RevealSecretAsync(id, credential, HttpContext.RequestAborted);
        return secret is null
            ? Problem(title: AuthClientCommands.MissingMessage, statusCode: StatusCodes.Status404NotFound)
            : Json(new { secret });
    }

    /// <summary>"Rotate secret" with "End now", as the page's Regenerate button posted it (kept for links and scripts that use it).</summary>
    [HttpPost("{id}/regenerate-secret")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> RegenerateSecret(string id)
    {
        if (await TakingSecretRefusedAsync(id) is { } refused)
        {
            return refused;
        }

        var (result, _) = await secrets.RegenerateSecretAsync(id, HttpContext.RequestAborted);
        return ButtonOutcome(result, SecretRegeneratedMessage, RedirectToAction(nameof(Edit), new { id }));
    }

    /// <summary>The Rotate secret dialog: a new secret, and the previous one ended now or after its grace period.</summary>
    [HttpPost("{id}/rotate-secret")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> RotateSecret(string id, [Bind(Prefix = "Rotation")] SecretRotationForm form)
    {
        if (await TakingSecretRefusedAsync(id) is { } refused)
        {
            return refused;
        }

        // A dialog has no fields to show messages beside: each refusal is a warning above the section.
        var result = ModelState.IsValid
            ? (await secrets.RotateSecretAsync(id, form.ToRotation(), HttpContext.RequestAborted)).Result
            : ChangeResult.Invalid("", RotationProblem());
        return ButtonOutcome(result, result.Status == ChangeStatus.Saved ? await RotatedMessageAsync(id, result.Id!) : "", ToCredentials(id));
    }

    /// <summary>The Add public key form; its refusals go beside its fields, with the pasted key kept.</summary>
    [HttpPost("{id}/public-keys")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> AddPublicKey(string id, [Bind(Prefix = "Form")] PublicKeyForm form)
    {
        // Whoever holds the private half of a key the client accepts can act as the client, as with its secret.
        if (await TakingSecretRefusedAsync(id) is { } refused)
        {
            return refused;
        }

        var result = ModelState.IsValid ? await secrets.AddPublicKeyAsync(id, form.ToCredential(), HttpContext.RequestAborted) : ChangeResult.NotSaved;

        // A private key pasted by mistake is not sent back in the page (its text stays out of caches and screenshots).
        var shown = result.Errors?.Any(e => e.Value == PublicKeys.PrivateKeyMessage) == true ? form.WithoutKey() : form;
        return await FormOutcome(result, PublicKeyAddedMessage, ToCredentials(id), () => EditPageAsync(id, key: shown));
    }

    /// <summary>"Revoke now": the credential is refused from this moment.</summary>
    [HttpPost("{id}/credentials/{credentialId}/revoke")]
    [Authorize(Policy = Permissions.AuthClients.EditKey)]
    public async Task<IActionResult> Revoke(string id, string credentialId) =>
        ButtonOutcome(await secrets.RevokeAsync(id, credentialId, HttpContext.RequestAborted), RevokedMessage, ToCredentials(id));

    /// <summary>
    /// The edit page: the form (as stored, or as posted when refused) and, for a confidential
    /// client, its Credentials section (with the Add public key form as posted when refused).
    /// </summary>
    private async Task<IActionResult> EditPageAsync(string id, AuthClientForm? form = null, PublicKeyForm? key = null)
    {
        var settings = await clients.GetSettingsAsync(id, HttpContext.RequestAborted);
        if (settings is null)
        {
            return GoneToList();
        }

        var credentials = settings.IsPublic ? null : await secrets.ListAsync(id, HttpContext.RequestAborted);
        return View("Form", AuthClientFormViewModel.ForEdit(id, form ?? AuthClientForm.From(settings)) with
        {
            Credentials = credentials is null ? null : new CredentialsViewModel(
                id, settings.Name ?? "", credentials, settings.Scopes, User.MayTakeSecretOf(settings.Scopes), key ?? new PublicKeyForm(), clock.GetUtcNow().UtcDateTime),
        });
    }

    /// <summary>What the status message says after a rotation: until when the previous secret works.</summary>
    private async Task<string> RotatedMessageAsync(string id, string newId)
    {
        var previous = (await secrets.ListAsync(id, HttpContext.RequestAborted) ?? [])
            .Where(c => c.Kind == CredentialKind.Secret && c.Id != newId && c.IsActive)
            .MaxBy(c => c.CreatedAt);
        return previous is null
            ? $"{SecretRotatedMessage} The previous secret no longer works."
            : $"{SecretRotatedMessage} The previous secret works until {(previous.ExpiresAt is { } until ? CredentialsViewModel.Utc(until) : "you revoke it")}.";
    }

    /// <summary>The dialog's unreadable field, said in the words the service uses for it.</summary>
    private string RotationProblem() =>
        ModelState[$"Rotation.{nameof(SecretRotationForm.ExpiresAt)}"]?.Errors.Count > 0
            ? "The expiry is not a date."
            : AuthClientCredentials.GracePeriodMessage;

    private RedirectToActionResult ToCredentials(string id) => RedirectToAction(nameof(Edit), null, new { id }, CredentialsFragment);

    /// <summary>The client is gone (its list), or the user may not take its secret (403): null when they may.</summary>
    private async Task<IActionResult?> TakingSecretRefusedAsync(string id)
    {
        var scopes = await clients.GetScopesAsync(id, HttpContext.RequestAborted);
        return scopes is null ? GoneToList() : SecretRefusal(scopes);
    }

    /// <summary>Taking a client's secret hands over its scopes' rights: refused unless the user holds them all.</summary>
    private ObjectResult? SecretRefusal(IReadOnlyList<string> scopes) =>
        User.MayTakeSecretOf(scopes)
            ? null
            : Problem(title: AuthClientCredentials.RefusalMessage(scopes), statusCode: StatusCodes.Status403Forbidden);
}
