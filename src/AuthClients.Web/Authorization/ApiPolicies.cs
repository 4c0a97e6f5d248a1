using AuthClients.Web.Connect;
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
        .AddPolicy(ReadAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.View, OAuthScopes.AuthClientsRead)))
        .AddPolicy(CreateAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.Create, OAuthScopes.AuthClientsWrite)))
        .AddPolicy(EditAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.Edit, OAuthScopes.AuthClientsWrite)))
        .AddPolicy(DeleteAuthClients, p => p.AddRequirements(new ApiAccessRequirement(Permissions.AuthClients.Delete, OAuthScopes.AuthClientsWrite)));
}

public sealed class ApiAccessRequirement(Permission permission, string scope) : IAuthorizationRequirement
{
    public Permission Permission { get; } = permission;

    public string Scope { get; } = scope;
}

internal sealed class ApiAccessHandler : AuthorizationHandler<ApiAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        var user = context.User;
        var allowed = user.HasScope(requirement.Scope) && user.GetClaim(AppClaimTypes.SubjectKind) switch
        {
            SubjectKinds.Client => true,
            SubjectKinds.User => user.Can(requirement.Permission),
            _ => false,
        };
        if (allowed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
