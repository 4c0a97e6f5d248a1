using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Api;

/// <summary>
/// The REST API under <c>/api/1.0</c>: bearer tokens only (OAuth access tokens or personal access tokens). The session cookie is not accepted
/// here, so the API has no cross-site request forgery surface.
/// </summary>
[ApiController]
[Authorize(AuthenticationSchemes = ApiAuthentication.Scheme)]
[IgnoreAntiforgeryToken]
public abstract class ApiControllerBase : ControllerBase
{
    public const string Prefix = "api/1.0";
}
