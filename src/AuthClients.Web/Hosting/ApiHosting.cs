using AuthClients.Web.Api;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.ApiTokens;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AuthClients.Web.Hosting;

/// <summary>
/// Everything under <c>/api</c>: bearer authentication only, errors as RFC 9457 problem details
/// whatever the caller accepts, the OpenAPI description and its interactive documentation.
/// </summary>
public static class ApiHosting
{
    public const string DocumentPath = "/api/openapi/v1.json";
    public const string DocumentationPath = "api/documentation";
    private const string OAuthScheme = "oauth2";
    public static readonly PathString Root = "/api";

    public static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments(Root);

    public static IServiceCollection AddAppApi(this IServiceCollection services)
    {
        services.AddScoped<ApiTokenService>();
        services.AddAuthentication().AddApiAuthentication();

        // The default scheme (the session cookie) answers for requests no API action claims: an
        // unknown path or a wrong method. Under /api it hands over to the bearer scheme, so those
        // get 401 without a token and 404 / 405 with one, never a redirect to the sign-in page.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, options =>
            options.ForwardDefaultSelector = context => IsApiRequest(context) ? ApiAuthentication.Scheme : null);

        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith(ApiControllerBase.Prefix, StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "AuthClients API",
                    Version = "1.0",
                    Description = "Get a token with your Client ID and Client Secret at /connect/token (client_credentials), then call the API with `Authorization: Bearer <token>`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[OAuthScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "Client credentials of an auth client with the auth_clients scopes it needs.",
                    Flows = new OpenApiOAuthFlows
                    {
                        ClientCredentials = new OpenApiOAuthFlow
                        {
                            TokenUrl = new Uri("/connect/token", UriKind.Relative),
                            Scopes = new Dictionary<string, string>
                            {
                                [OAuthScopes.AuthClientsRead] = OAuthScopes.Describe(OAuthScopes.AuthClientsRead),
                                [OAuthScopes.AuthClientsWrite] = OAuthScopes.Describe(OAuthScopes.AuthClientsWrite),
                            },
                        },
                    },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OAuthScheme, document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>
    /// Unhandled exceptions (logged) and bodiless error statuses become problem details. Written
    /// as <c>application/problem+json</c> even when the caller asked for HTML: the API has no pages.
    /// </summary>
    public static IApplicationBuilder UseApiProblemDetails(this IApplicationBuilder app) => app
        .UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = context => WriteProblemAsync(context, StatusCodes.Status500InternalServerError) })
        .UseStatusCodePages(pages => WriteProblemAsync(pages.HttpContext, pages.HttpContext.Response.StatusCode));

    private static Task WriteProblemAsync(HttpContext context, int statusCode) =>
        Results.Problem(statusCode: statusCode).ExecuteAsync(context);

    /// <summary>Serves Swagger UI from the app itself (no CDN, strict CSP) at <c>/api/documentation</c>.</summary>
    public static IApplicationBuilder UseApiDocumentation(this IApplicationBuilder app) =>
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = DocumentationPath;
            options.DocumentTitle = "AuthClients API documentation";
            options.SwaggerEndpoint(DocumentPath, "AuthClients API 1.0");
            options.OAuthScopes(OAuthScopes.AuthClientsRead);
        });

    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/api/openapi/{documentName}.json").AllowAnonymous();
        return endpoints;
    }
}
