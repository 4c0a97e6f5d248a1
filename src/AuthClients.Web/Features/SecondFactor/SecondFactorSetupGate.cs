using AuthClients.Web.Authorization;
using AuthClients.Web.Controllers;
using AuthClients.Web.Hosting;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>
/// A signed-in person whom the second-factor policy covers, without a passkey or an authenticator
/// app, may do nothing but set one up (or sign out): every page sends them to the Sign-in security
/// tab, anything else is refused with 403. Only the page cookie is concerned: tokens for programs
/// (the password grant, personal access tokens) are not (docs/security.md).
/// </summary>
public static class SecondFactorSetupGate
{
    public const string SetupPath = "/" + SignInSecurityController.Path;

    public static IApplicationBuilder UseSecondFactorSetupGate(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.User.HasClaim(AppClaimTypes.SecondFactorSetupRequired, "true") || IsAllowed(context.Request.Path))
            {
                await next(context);
                return;
            }

            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.Redirect(context.Request.PathBase + SetupPath);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
            }
        });

    private static bool IsAllowed(PathString path) =>
        path.StartsWithSegments(SetupPath) || path.StartsWithSegments(Routes.SignOut) || path.StartsWithSegments(Routes.Error);
}
