using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Api;

/// <summary>
/// <c>/api/1.0/auth-clients/{client_id}/credentials</c>: a confidential client's secrets and public
/// keys, as the Credentials section of its page. Listing needs the View permission (scope
/// <c>auth_clients.read</c>); rotating a secret, adding a key and revoking need Edit
/// (<c>auth_clients.write</c>), and a new secret or key also needs every right the client's scopes
/// grant (<see cref="ScopeRights.MayTakeSecretOf"/>), as regenerating does: whoever holds either acts
/// as the client. A secret is returned once, by the rotation that made it, and never listed.
/// </summary>
[Route(Prefix + "/auth-clients/{clientId}/credentials")]
public sealed class AuthClientCredentialsApiController(AuthClientQueries clients, AuthClientCredentials credentials) : ApiControllerBase
{
    [HttpGet]
    [Authorize(Policy = ApiPolicies.ReadAuthClients)]
    [EndpointSummary("List the client's credentials")]
    [EndpointDescription("Every secret and public key of the client, newest first, the ended ones too (state expired or revoked). Never a secret's value.")]
    [ProducesResponseType<CredentialList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> List(string clientId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        var list = id is null ? null : await credentials.ListAsync(id, HttpContext.RequestAborted);
        return list is null ? NoSuchClient(clientId) : Ok(new CredentialList([.. list.Select(CredentialResource.From)]));
    }

    [HttpGet("{credentialId}")]
    [Authorize(Policy = ApiPolicies.ReadAuthClients)]
    [EndpointSummary("Get one credential")]
    [ProducesResponseType<CredentialResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(string clientId, string credentialId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        return await FindAsync(id, credentialId) is { } credential ? Ok(credential) : NoSuchCredential(clientId, id);
    }

    /// <summary>
    /// <c>{"kind": "secret", "grace_period": "P7D", "label": "...", "expires_at": "..."}</c> rotates
    /// the secret: the new one is in the 201 response, once; the previous one keeps working for the
    /// grace period (an ISO 8601 duration: PT0S, PT1H, P1D, P7D or P30D; P7D when omitted).
    /// <c>{"kind": "public_key", "key": "&lt;JWK or PEM&gt;", "label": "...", "expires_at": "..."}</c>
    /// adds a public key for <c>private_key_jwt</c>.
    /// </summary>
    [HttpPost]
    [Authorize(Policy = ApiPolicies.EditAuthClients)]
    [EndpointSummary("Rotate the secret, or add a public key")]
    [EndpointDescription("kind \"secret\": a new secret, returned once in the 201 body (client_secret), the previous one valid for grace_period (ISO 8601 duration: PT0S, PT1H, P1D, P7D or P30D; default P7D). The 201 body is {credential, client_secret, grace_period, previous_valid_until}. kind \"public_key\": key is a public JWK or a PEM block (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE): RSA of 2048 bits or more, EC P-256 or P-384; a private key is refused; the 201 body is {credential} (the other members null). Both need every right the client's scopes grant (403 otherwise). Errors are problem details; field errors name the field.")]
    [ProducesResponseType<CreatedCredential>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Create(string clientId, CredentialRequest request)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        var current = id is null ? null : await clients.GetSettingsAsync(id, HttpContext.RequestAborted);
        if (current is null)
        {
            return NoSuchClient(clientId);
        }

        if (Invalid(request) is { } invalid)
        {
            return invalid;
        }

        if (current.IsPublic)
        {
            return Problem(title: AuthClientCredentials.PublicClientMessage, statusCode: StatusCodes.Status409Conflict);
        }

        // A key the caller holds the private half of hands over the client's rights exactly as a secret does.
        if (!User.MayTakeSecretOf(current.Scopes))
        {
            return Problem(title: AuthClientCredentials.RefusalMessage(current.Scopes), statusCode: StatusCodes.Status403Forbidden);
        }

        if (request.KnownKind == CredentialKind.PublicKey)
        {
            var added = await credentials.AddPublicKeyAsync(id!, new PublicKeyCredential(request.Key, request.Label, request.ExpiresAt?.UtcDateTime), HttpContext.RequestAborted);
            return added.Status == ChangeStatus.Saved ? await CreatedAsync(clientId, id!, added.Id!) : ProblemFor(added, clientId);
        }

        var gracePeriod = request.ParsedGracePeriod()!.Value;
        var rotation = await credentials.RotateSecretAsync(id!, new SecretRotation(gracePeriod, request.Label, request.ExpiresAt?.UtcDateTime), HttpContext.RequestAborted);
        if (rotation.Result.Status != ChangeStatus.Saved)
        {
            return ProblemFor(rotation.Result, clientId);
        }

        await credentials.RecordIssuedAsync(clientId, HttpContext.RequestAborted);
        Response.Headers.CacheControl = "no-store";
        var credential = (await FindAsync(id, rotation.Result.Id!))!;
        return Created(Location(clientId, credential.Id), new CreatedCredential(credential, rotation.Secret!, System.Xml.XmlConvert.ToString(gracePeriod), rotation.PreviousValidUntil));
    }

    /// <summary>Revokes the credential now ("Revoke now"): it is refused from this moment and stays listed, revoked.</summary>
    [HttpPost("{credentialId}/revoke")]
    [Authorize(Policy = ApiPolicies.EditAuthClients)]
    [EndpointSummary("Revoke a credential now")]
    [EndpointDescription("The secret or public key is refused from this moment; it stays in the list with state \"revoked\". 409 when it has already ended.")]
    [ProducesResponseType<CredentialResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Revoke(string clientId, string credentialId)
    {
        var id = await clients.FindIdAsync(clientId, HttpContext.RequestAborted);
        if (id is null)
        {
            return NoSuchClient(clientId);
        }

        var result = await credentials.RevokeAsync(id, credentialId, HttpContext.RequestAborted);
        return result.Status == ChangeStatus.Saved ? Ok(await FindAsync(id, credentialId)) : ProblemFor(result, clientId, id);
    }

    private async Task<CredentialResource?> FindAsync(string? id, string credentialId) =>
        id is null ? null
        : (await credentials.ListAsync(id, HttpContext.RequestAborted))?.Where(c => c.Id == credentialId).Select(CredentialResource.From).SingleOrDefault();

    private async Task<IActionResult> CreatedAsync(string clientId, string id, string credentialId) =>
        Created(Location(clientId, credentialId), new CreatedCredential((await FindAsync(id, credentialId))!));

    private static string Location(string clientId, string credentialId) => $"/{Prefix}/auth-clients/{clientId}/credentials/{credentialId}";

    /// <summary>What only a JSON body can get wrong: an unknown kind, a field of the other kind, a grace period that is no duration.</summary>
    private ActionResult? Invalid(CredentialRequest request)
    {
        if (request.KnownKind is not { } kind)
        {
            ModelState.AddModelError("kind", $"Unknown kind '{request.Kind}': use {CredentialRequest.Secret} or {CredentialRequest.PublicKey}.");
        }
        else if (kind == CredentialKind.Secret && request.Key is not null)
        {
            ModelState.AddModelError("key", $"A key is sent with kind {CredentialRequest.PublicKey}, not {CredentialRequest.Secret}.");
        }
        else if (kind == CredentialKind.PublicKey && request.GracePeriod is not null)
        {
            ModelState.AddModelError("grace_period", $"A grace period is sent with kind {CredentialRequest.Secret}: adding a key ends nothing.");
        }
        else if (kind == CredentialKind.Secret && request.ParsedGracePeriod() is null)
        {
            ModelState.AddModelError("grace_period", $"'{request.GracePeriod}' is not an ISO 8601 duration: use PT0S, PT1H, P1D, P7D or P30D.");
        }

        return ModelState.IsValid ? null : ValidationProblem(ModelState);
    }

    /// <param name="id">The client's internal id when it is known to exist: a credential not found is then a 404 of the credential.</param>
    private ObjectResult ProblemFor(ChangeResult result, string clientId, string? id = null)
    {
        if (result.Status == ChangeStatus.NotFound)
        {
            return id is null ? NoSuchClient(clientId) : NoSuchCredential(clientId, id);
        }

        // A refusal of the whole request (too many credentials, already ended) is a conflict with the client's state.
        if (result.Errors is [{ Key: "" } only])
        {
            return Problem(title: only.Value, statusCode: StatusCodes.Status409Conflict);
        }

        foreach (var (field, message) in result.Errors ?? [])
        {
            ModelState.AddModelError(ApiFieldName(field), message);
        }

        return (ObjectResult)ValidationProblem(ModelState);
    }

    private ObjectResult NoSuchClient(string clientId) =>
        Problem(title: $"There is no auth client with Client ID {clientId}.", statusCode: StatusCodes.Status404NotFound);

    private ObjectResult NoSuchCredential(string clientId, string? id) =>
        id is null ? NoSuchClient(clientId) : Problem(title: $"Auth client {clientId} has no such credential.", statusCode: StatusCodes.Status404NotFound);

    private static string ApiFieldName(string field) => field switch
    {
        AuthClientCredentials.KeyField => "key",
        AuthClientCredentials.ExpiresAtField => "expires_at",
        AuthClientCredentials.GracePeriodField => "grace_period",
        AuthClientCredentials.LabelField => "label",
        _ => field,
    };
}
