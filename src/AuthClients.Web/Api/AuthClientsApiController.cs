using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Api;

/// <summary>
/// <c>/api/1.0/auth-clients</c>: the Auth Clients page as a REST resource, addressed by Client ID.
/// A person's token is held to their Auth Clients permissions; a client's token to its scopes.
/// </summary>
[Route(Prefix + "/auth-clients")]
public sealed class AuthClientsApiController(AuthClientService clients) : ApiControllerBase
{
    [HttpGet]
    [Authorize(Policy = ApiPolicies.ReadAuthClients)]
    public async Task<AuthClientList> List(string? search, string? sort, string? dir, int page = 1, [FromQuery(Name = "per_page")] int perPage = ListQuery.DefaultPageSize)
    {
        var result = await clients.ListAsync(new ListQuery(AuthClientSort.Columns, search, sort, dir, page, perPage), HttpContext.RequestAborted);
        return new AuthClientList(
            result.Items.Select(i => new AuthClientListEntry(i.ClientId, i.Name, i.Redirect, i.CreatedAt)).ToList(),
            new PageMeta(result.Total, result.Page, result.PageSize, result.TotalPages));
    }

    [HttpGet("{clientId}")]
    [Authorize(Policy = ApiPolicies.ReadAuthClients)]
    public async Task<ActionResult<AuthClientResource>> Get(string clientId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        var form = id is null ? null : await clients.GetFormAsync(id, HttpContext.RequestAborted);
        if (form is null)
        {
            return NotFoundProblem(clientId);
        }

        Response.Headers.ETag = IfMatch.ETag(form.ConcurrencyToken);
        return AuthClientResource.From(clientId, form);
    }

    [HttpPost]
    [Authorize(Policy = ApiPolicies.CreateAuthClients)]
    [ProducesResponseType<AuthClientWithSecret>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create(AuthClientRequest request)
    {
        var form = request.ToForm();
        if (Invalid(request, form) is { } invalid)
        {
            return invalid;
        }

        var result = await clients.CreateAsync(form, User.GetUserId(), User.GrantableScopes(), HttpContext.RequestAborted);
        if (result.Status != ChangeStatus.Saved)
        {
            return ProblemFor(result);
        }

        return await WithSecretAsync(result.Id!, StatusCodes.Status201Created);
    }

    /// <summary>
    /// Replaces the client's settings. Send <c>If-Match</c> with the ETag from GET to refuse
    /// overwriting someone else's change (412), or <c>If-Match: *</c> to change it only if it exists.
    /// </summary>
    [HttpPut("{clientId}")]
    [Authorize(Policy = ApiPolicies.EditAuthClients)]
    public async Task<IActionResult> Update(string clientId, AuthClientRequest request)
    {
        var (id, current) = await FindAsync(clientId);
        if (current is null)
        {
            return NotFoundProblem(clientId);
        }

        if (!IfMatch.Holds(Request, current.ConcurrencyToken))
        {
            return PreconditionFailed();
        }

        // The version the precondition was checked against: a change saved since then is a conflict (412).
        var form = request.ToForm(current.ConcurrencyToken);
        if (Invalid(request, form) is { } invalid)
        {
            return invalid;
        }

        var result = await clients.UpdateAsync(id!, form, User.GrantableScopes(), HttpContext.RequestAborted);
        if (result.Status != ChangeStatus.Saved)
        {
            return ProblemFor(result);
        }

        var saved = (await clients.GetFormAsync(id!, HttpContext.RequestAborted))!;
        Response.Headers.ETag = IfMatch.ETag(saved.ConcurrencyToken);
        return Ok(AuthClientResource.From(clientId, saved));
    }

    /// <summary>Deletes the client, its tokens and authorizations. <c>If-Match</c> is honoured as for PUT.</summary>
    [HttpDelete("{clientId}")]
    [Authorize(Policy = ApiPolicies.DeleteAuthClients)]
    public async Task<IActionResult> Delete(string clientId)
    {
        var (id, current) = await FindAsync(clientId);
        if (current is null)
        {
            return NotFoundProblem(clientId);
        }

        if (!IfMatch.Holds(Request, current.ConcurrencyToken))
        {
            return PreconditionFailed();
        }

        return await clients.DeleteAsync(id!, HttpContext.RequestAborted) is not null ? NoContent() : NotFoundProblem(clientId);
    }

    /// <summary>
    /// Replaces the secret; the previous one stops working at once. The new secret is in the
    /// response, once. <c>If-Match</c> is honoured as for PUT.
    /// </summary>
    [HttpPost("{clientId}/secret")]
    [Authorize(Policy = ApiPolicies.EditAuthClients)]
    public async Task<IActionResult> RegenerateSecret(string clientId)
    {
        var (id, current) = await FindAsync(clientId);
        if (current is null)
        {
            return NotFoundProblem(clientId);
        }

        if (!User.MayTakeSecretOf(current.Scopes))
        {
            return Problem(title: "You cannot take this client's secret. " + ScopeRights.Missing(current.Scopes), statusCode: StatusCodes.Status403Forbidden);
        }

        if (!IfMatch.Holds(Request, current.ConcurrencyToken))
        {
            return PreconditionFailed();
        }

        return await clients.RegenerateSecretAsync(id!, HttpContext.RequestAborted)
            ? await WithSecretAsync(id!, StatusCodes.Status200OK)
            : NotFoundProblem(clientId);
    }

    private async Task<(string? Id, AuthClientForm? Current)> FindAsync(string clientId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        return (id, id is null ? null : await clients.GetFormAsync(id, HttpContext.RequestAborted));
    }

    private async Task<IActionResult> WithSecretAsync(string id, int status)
    {
        var form = (await clients.GetFormAsync(id, HttpContext.RequestAborted))!;
        var resource = AuthClientResource.From((await clients.GetClientIdAsync(id, HttpContext.RequestAborted))!, form);
        var secret = await clients.IssueSecretAsync(id, HttpContext.RequestAborted);
        Response.Headers.CacheControl = "no-store";
        Response.Headers.ETag = IfMatch.ETag(form.ConcurrencyToken);
        var body = new AuthClientWithSecret(resource.ClientId, resource.Name, resource.RedirectUris, resource.PostLogoutRedirectUris, resource.GrantTypes, resource.Scopes, resource.ClientType, secret);
        return status == StatusCodes.Status201Created
            ? Created($"/{Prefix}/auth-clients/{resource.ClientId}", body)
            : Ok(body);
    }

    private ActionResult? Invalid(AuthClientRequest request, AuthClientForm form)
    {
        var results = new List<ValidationResult>();
        var context = new ValidationContext(form);
        if (!Validator.TryValidateObject(form, context, results, validateAllProperties: true))
        {
            // The form's cross-field rules only run once its fields pass; an API caller wants every
            // problem at once. (When they did run, their messages are added once: AddModelErrorOnce.)
            results.AddRange(form.Validate(context));
        }

        foreach (var unknown in request.UnknownGrantTypes())
        {
            results.Add(new ValidationResult($"Unknown grant type '{unknown}'.", [AuthClientForm.GrantTypesField]));
        }

        foreach (var (field, message) in request.UnsplittableUris())
        {
            results.Add(new ValidationResult(message, [field]));
        }

        if (request.HasUnknownClientType)
        {
            results.Add(new ValidationResult($"Unknown client type '{request.ClientType}': use {ClientTypes.Confidential} or {ClientTypes.Public}.", ["client_type"]));
        }

        foreach (var unknown in request.UnknownScopes())
        {
            results.Add(new ValidationResult($"Unknown scope '{unknown}'.", ["scopes"]));
        }

        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty(""))
            {
                ModelState.AddModelErrorOnce(ApiFieldName(member), result.ErrorMessage ?? "Invalid value.");
            }
        }

        return results.Count == 0 ? null : ValidationProblem(ModelState);
    }

    private ObjectResult ProblemFor(ChangeResult result) => result.Status switch
    {
        ChangeStatus.Conflict => Problem(title: AuthClientService.ConflictMessage, statusCode: StatusCodes.Status412PreconditionFailed),
        ChangeStatus.NotFound => Problem(title: "This auth client no longer exists.", statusCode: StatusCodes.Status404NotFound),
        ChangeStatus.Forbidden => Problem(title: result.Errors![0].Value, statusCode: StatusCodes.Status403Forbidden),
        _ => (ObjectResult)ValidationProblemFor(result),
    };

    private ActionResult ValidationProblemFor(ChangeResult result)
    {
        foreach (var (field, message) in result.Errors ?? [])
        {
            ModelState.AddModelErrorOnce(ApiFieldName(field), message);
        }

        return ValidationProblem(ModelState);
    }

    private ObjectResult PreconditionFailed() =>
        Problem(title: "The If-Match header does not match this auth client's current version (ETag): get it again, then retry.", statusCode: StatusCodes.Status412PreconditionFailed);

    private ObjectResult NotFoundProblem(string clientId) =>
        Problem(title: $"There is no auth client with Client ID {clientId}.", statusCode: StatusCodes.Status404NotFound);

    private static string ApiFieldName(string formField) => formField switch
    {
        nameof(AuthClientForm.Name) => "name",
        nameof(AuthClientForm.RedirectUris) => "redirect_uris",
        nameof(AuthClientForm.PostLogoutRedirectUris) => "post_logout_redirect_uris",
        AuthClientForm.GrantTypesField => "grant_types",
        AuthClientForm.ScopesField => "scopes",
        _ => formField,
    };
}
