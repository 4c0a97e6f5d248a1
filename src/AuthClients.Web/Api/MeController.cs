using AuthClients.Web.Authorization;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Api;

/// <summary>Who the bearer of a token is: a client (client credentials), or a user through a client.</summary>
public sealed record MeResponse(string Kind, string ClientId, string? ClientName, MeUser? User, IReadOnlyList<string> Scopes);

public sealed record MeUser(string Id, string? Email, string? Name);

[Route(Prefix + "/me")]
public sealed class MeController(IOpenIddictApplicationManager applications) : ApiControllerBase
{
    [HttpGet]
    public async Task<MeResponse> Get()
    {
        var clientId = User.GetClaim(Claims.ClientId) ?? "";
        var application = await applications.FindByClientIdAsync(clientId, HttpContext.RequestAborted);
        var clientName = application is null ? null : await applications.GetDisplayNameAsync(application, HttpContext.RequestAborted);
        var isUser = User.GetClaim(AppClaimTypes.SubjectKind) == SubjectKinds.User;
        var user = isUser ? new MeUser(User.GetClaim(Claims.Subject)!, User.GetClaim(Claims.Email), User.GetClaim(Claims.Name)) : null;
        return new MeResponse(isUser ? SubjectKinds.User : SubjectKinds.Client, clientId, clientName, user, User.GetScopes().ToList());
    }
}
