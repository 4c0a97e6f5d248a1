using Microsoft.AspNetCore.Authorization;
using OpenIddict.Abstractions;

namespace AuthClients.Web.Authorization;

/// <summary>
/// The REST API's policies. Every token needs the scope of the operation (auth_clients.read or
/// auth_clients.write). A client-credentials token acts for the client alone, so the scope is
/// enough; a token issued to a person is also held to that person's permissions, read fresh on
/// each request and checked exactly as on the page.
/// </summary>
public static class ApiPolicies
{
    public const string ReadAuthClients = "api:" + Permissions.AuthClients.ViewKey;
    public const string CreateAuthClients = "api:" + Permissions.AuthClients.CreateKey;
    public const string EditAuthClients = "api:" + Permissions.AuthClients.EditKey;
    public const string DeleteAuthClients = "api:" + Permissions.AuthClients.DeleteKey;

    public static AuthorizationBuilder AddApiPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ReadAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.View)))
        .AddPolicy(CreateAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.Create)))
        .AddPolicy(EditAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.Edit)))
        .AddPolicy(DeleteAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.Delete)));
}

/// <summary>Met by a bearer token whose scope gives the action (<see cref="ScopeRights"/>) and, for a person's token, whose person holds it.</summary>
public sealed class ApiAccessRequirement(Permission permission) : IAuthorizationRequirement
{
    public Permission Permission { get; } = permission;
}

internal sealed class ApiAccessHandler : AuthorizationHandler<ApiAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        // Only bearer tokens carry a subject kind: a page's cookie never passes an API policy.
        if (context.User.GetClaim(AppClaimTypes.SubjectKind) is not null && context.User.Holds(requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
