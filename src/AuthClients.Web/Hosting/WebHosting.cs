using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Dashboard;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Connect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

public static class WebHosting
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static IServiceCollection AddAppFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStartupOptions<BootstrapOptions>(configuration, BootstrapOptions.Section);
        services.AddStartupOptions<CredentialOptions>(configuration, CredentialOptions.Section);
        services.AddStartupOptions<AuthClientListOptions>(configuration, AuthClientListOptions.Section);
        services.AddStartupOptions<AuditOptions>(configuration, AuditOptions.Section);
        services.AddStartupOptions<ActivityOptions>(configuration, ActivityOptions.Section);
        services.AddStartupOptions<SecondFactorOptions>(configuration, SecondFactorOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddScoped<AuditService>();
        services.AddScoped<DatabaseLease>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        services.AddScoped<ClientSecrets>();
        services.AddScoped<AuthClientQueries>();
        services.AddSingleton<AuthClientPageAnchors>();
        services.AddScoped<AuthClientCommands>();
        services.AddScoped<AuthClientCredentials>();
        services.AddScoped<AuthClientSearch>();
        services.AddScoped<DashboardQueries>();
        services.AddScoped<ClientActivityQueries>();
        services.AddScoped<UserListService>();
        services.AddScoped<ChangeGuard>();
        services.AddScoped<UserWriter>();
        services.AddScoped<UserService>();
        services.AddScoped<UserPermissionService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<PasswordCheckService>();
        services.AddScoped<SignInService>();
        services.AddScoped<RememberedBrowsers>();
        services.AddScoped<SecondFactorSignIn>();
        services.AddScoped<SignInSecurityService>();
        services.AddScoped<PasskeyService>();
        services.AddScoped<SecondFactorResetService>();
        services.AddScoped<AuditLogQueries>();
        services.AddScoped<GroupService>();
        services.AddScoped<GroupMemberService>();
        services.AddScoped<GroupPermissionService>();
        return services;
    }

    public static IServiceCollection AddAppWeb(this IServiceCollection services)
    {
        services.AddControllersWithViews(options =>
        {
            // Every unsafe request needs an anti-forgery token unless an action opts out
            // (only the OAuth protocol endpoints do).
            options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
            options.Conventions.Add(new RouteParametersBindFromUrl());

            // Show every problem of a form at once: cross-field rules run even when a field failed.
            options.ValidateComplexTypesIfChildValidationFails = true;
        }).AddJsonOptions(options =>
        {
            // The REST API speaks snake_case, like OAuth's own parameters and responses.
            options.JsonSerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            options.JsonSerializerOptions.Converters.Add(new Api.StringWithoutNulConverter());
            options.JsonSerializerOptions.Converters.Add(new Api.UtcDateTimeConverter());
        });
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "AuthClients.Antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRouting(options => options.LowercaseUrls = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseOutageAnswers>();
        return services;
    }

    public static WebApplication UseAppPipeline(this WebApplication app)
    {
        OpenIddictHosting.RequireFixedIssuer(app.Services.GetRequiredService<IOptions<OAuthServerOptions>>().Value, app.Configuration, app.Environment);

        // Pages get the generic error page everywhere, Development included: nobody meets a stack
        // trace, and the exception is in the log. The API gets RFC 9457 problem details instead.
        app.UseWhen(ApiHosting.IsApiRequest, api => api.UseApiProblemDetails());
        app.UseWhen(context => !ApiHosting.IsApiRequest(context), pages => pages
            .UseExceptionHandler(Routes.Error)
            .UseStatusCodePagesWithReExecute(Routes.Error + "/{0}"));
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseApiDocumentation();
        app.UseMalformedRequestGuard();
        app.UseClientAuthenticationThrottle();
        app.UseRouting();
        app.UseProtocolEndpointRoutes();
        app.UseAuthentication();
        app.UseSecondFactorSetupGate();
        app.UseAuthorization();
        app.MapControllers();
        app.MapApiDescription();
        return app;
    }
}

/// <summary>
/// An action parameter named like a parameter of its route template (the <c>{id}</c> of
/// <c>admin/auth-clients/{id}/delete</c>) binds from the URL only, as if marked
/// <c>[FromRoute]</c>. Otherwise MVC lets a posted field of the same name win over the URL, so a
/// form posted to one client's address with an extra <c>id</c> field would act on another client.
/// </summary>
internal sealed class RouteParametersBindFromUrl : IActionModelConvention
{
    public void Apply(ActionModel action)
    {
        var routeParameters = action.Selectors.Concat(action.Controller.Selectors)
            .Select(s => s.AttributeRouteModel?.Template)
            .OfType<string>()
            .SelectMany(template => RoutePatternFactory.Parse(template).Parameters.Select(p => p.Name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in action.Parameters.Where(p => routeParameters.Contains(p.ParameterName)))
        {
            parameter.BindingInfo ??= new BindingInfo();
            parameter.BindingInfo.BindingSource ??= BindingSource.Path;
        }
    }
}
