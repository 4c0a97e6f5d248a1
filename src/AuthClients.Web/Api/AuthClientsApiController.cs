using System.ComponentModel;
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
public sealed class AuthClientsApiController(AuthClientQueries clients, AuthClientCommands commands, AuthClientCredentials secrets) : ApiControllerBase
{
    [HttpGet]
    [Authorize(Policy = ApiPolicies.ReadAuthClients)]
    public async Task<AuthClientList> List(
        string? search,
        string? sort,
        string? dir,
        int page = 1,
        [FromQuery(Name = "per_page")] int perPage = ListQuery.DefaultPageSize,
        [Description("used-24h: clients used in the last 24 hours; unused: clients not used for 90 days (or never); expiring: clients with an active credential expiring within the warning period (14 days by default); enabled / disabled: enabled or disabled clients only.")] string? filter = null,
        [Description("The previous page's meta.next, with page set to the next page's number: that page is read from the previous one's last client (fast however deep). Ignored when it does not fit the sort.")] string? after = null)
    {
        var result = await clients.ListAsync(new ListQuery(AuthClientSort.Columns, search, sort, dir, page, perPage, filter, after), HttpContext.RequestAborted);
        return new AuthClientList(
            result.Items.Select(i => new AuthClientListEntry(i.ClientId, i.Name, i.Redirect, i.CreatedAt, i.IsEnabled, i.LastUsedAt)).ToList(),
            new PageMeta(result.Total, result.Page, result.PageSize, result.TotalPages, result.TotalIsLowerBound, result.NextCursor));
    }

    [HttpGet("{clientId}")]
    [Authorize(Policy = ApiPolicies.ReadAuthClients)]
    public async Task<ActionResult<AuthClientResource>> Get(string clientId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        var settings = id is null ? null : await clients.GetSettingsAsync(id, HttpContext.RequestAborted);
        if (settings is null)
        {
            return NotFoundProblem(clientId);
        }

        Response.Headers.ETag = IfMatch.ETag(settings.ConcurrencyToken);
        return AuthClientResource.From(clientId, settings, await clients.GetUsageAsync(id!, HttpContext.RequestAborted));
    }

    [HttpPost]
    [Authorize(Policy = ApiPolicies.CreateAuthClients)]
    [ProducesResponseType<AuthClientWithSecret>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create(AuthClientRequest request)
    {
        var settings = request.ToSettings();
        if (Invalid(request, settings) is { } invalid)
        {
            return invalid;
        }

        var (result, secret) = await commands.CreateAsync(settings, User.GetUserId(), User.GrantableScopes(), HttpContext.RequestAborted);
        if (result.Status != ChangeStatus.Saved)
        {
            return ProblemFor(result);
        }

        return await WithSecretAsync(result.Id!, secret, StatusCodes.Status201Created);
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
        var settings = request.ToSettings(current);
        if (Invalid(request, settings) is { } invalid)
        {
            return invalid;
        }

        var result = await commands.UpdateAsync(id!, settings, User.GrantableScopes(), HttpContext.RequestAborted);
        if (result.Status != ChangeStatus.Saved)
        {
            return ProblemFor(result);
        }

        var saved = (await clients.GetSettingsAsync(id!, HttpContext.RequestAborted))!;
        Response.Headers.ETag = IfMatch.ETag(saved.ConcurrencyToken);
        return Ok(AuthClientResource.From(clientId, saved, await clients.GetUsageAsync(id!, HttpContext.RequestAborted)));
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

        var result = await commands.DeleteAsync(id!, HttpContext.RequestAborted);
        return result.Status == ChangeStatus.Saved ? NoContent() : ProblemFor(result, clientId);
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
            return Problem(title: AuthClientCredentials.RefusalMessage(current.Scopes), statusCode: StatusCodes.Status403Forbidden);
        }

        if (!IfMatch.Holds(Request, current.ConcurrencyToken))
        {
            return PreconditionFailed();
        }

        var (result, secret) = await secrets.RegenerateSecretAsync(id!, HttpContext.RequestAborted);
        return result.Status == ChangeStatus.Saved ? await WithSecretAsync(id!, secret, StatusCodes.Status200OK, clientId) : ProblemFor(result, clientId);
    }

    private async Task<(string? Id, AuthClientSettings? Current)> FindAsync(string clientId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        return (id, id is null ? null : await clients.GetSettingsAsync(id, HttpContext.RequestAborted));
    }

    /// <param name="secret">The secret the create or regenerate just made (null for a public client): handed over once, here.</param>
    /// <param name="clientId">The client's public Client ID when the caller already has it (it is looked up otherwise).</param>
    private async Task<IActionResult> WithSecretAsync(string id, string? secret, int status, string? clientId = null)
    {
        var settings = (await clients.GetSettingsAsync(id, HttpContext.RequestAborted))!;
        var resource = AuthClientResource.From(clientId ?? (await clients.GetClientIdAsync(id, HttpContext.RequestAborted))!, settings,
            await clients.GetUsageAsync(id, HttpContext.RequestAborted));
        if (secret is not null)
        {
            await secrets.RecordIssuedAsync(resource.ClientId, HttpContext.RequestAborted);
        }

        Response.Headers.CacheControl = "no-store";
        Response.Headers.ETag = IfMatch.ETag(settings.ConcurrencyToken);
        var body = AuthClientWithSecret.From(resource, secret);
        return status == StatusCodes.Status201Created
            ? Created($"/{Prefix}/auth-clients/{resource.ClientId}", body)
            : Ok(body);
    }

    /// <summary>Every problem at once: the page's rules (cross-field ones too), then what only a JSON body can get wrong.</summary>
    private ActionResult? Invalid(AuthClientRequest request, AuthClientSettings settings)
    {
        var problems = settings.Problems().ToList();
        problems.AddRange(request.UnknownGrantTypes().Select(unknown => FieldProblem(AuthClientSettings.GrantTypesField, $"Unknown grant type '{unknown}'.")));
        problems.AddRange(request.UnsplittableUris().Select(uri => FieldProblem(uri.Field, uri.Message)));
        if (request.HasUnknownClientType)
        {
            problems.Add(FieldProblem("client_type", $"Unknown client type '{request.ClientType}': use {ClientTypes.Confidential} or {ClientTypes.Public}."));
        }

        problems.AddRange(request.UnknownScopes().Select(unknown => FieldProblem("scopes", $"Unknown scope '{unknown}'.")));
        foreach (var (field, message) in problems)
        {
            ModelState.AddModelErrorOnce(ApiFieldName(field), message);
        }

        return problems.Count == 0 ? null : ValidationProblem(ModelState);
    }

    private static KeyValuePair<string, string> FieldProblem(string field, string message) => new(field, message);

    /// <param name="clientId">The Client ID the request named: a client not found is then answered as one that never was.</param>
    private ObjectResult ProblemFor(ChangeResult result, string? clientId = null) => result.Status switch
    {
        ChangeStatus.Conflict => Problem(title: AuthClientCommands.ConflictMessage, statusCode: StatusCodes.Status412PreconditionFailed),
        ChangeStatus.NotFound when clientId is not null => NotFoundProblem(clientId),
        ChangeStatus.NotFound => Problem(title: AuthClientCommands.GoneMessage, statusCode: StatusCodes.Status404NotFound),
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

    private static string ApiFieldName(string field) => field switch
    {
        nameof(AuthClientSettings.Name) => "name",
        nameof(AuthClientSettings.RedirectUris) => "redirect_uris",
        nameof(AuthClientSettings.PostLogoutRedirectUris) => "post_logout_redirect_uris",
        AuthClientSettings.GrantTypesField => "grant_types",
        AuthClientSettings.ScopesField => "scopes",
        _ => TokenLifetimeRules.All.FirstOrDefault(rule => rule.Field == field)?.ApiField ?? field,
    };
}
