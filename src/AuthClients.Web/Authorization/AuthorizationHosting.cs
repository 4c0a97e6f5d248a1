using Microsoft.AspNetCore.Authorization;

namespace AuthClients.Web.Authorization;

public static class AuthorizationHosting
{
    /// <summary>
    /// One policy per permission of the catalogue, named by its key, and a fallback policy that
    /// requires a signed-in user everywhere that is not marked <c>[AllowAnonymous]</c>.
    /// </summary>
    public static IServiceCollection AddAppAuthorization(this IServiceCollection services)
    {
        services.AddScoped<UserAccessService>();
        services.AddSingleton<AccessStateCache>();
        services.AddScoped<CurrentAccessCookieEvents>();
        services.AddSingleton<IAuthorizationHandler, PermissionAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, ApiAccessHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPermissionPolicies()
            .AddApiPolicies();
        return services;
    }

    private static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Permissions.All)
        {
            builder.AddPolicy(permission.Key, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(Permissions.RequiredFor(permission))));
        }

        return builder;
    }
}
