using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Hosting;

public static class WebHosting
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static IServiceCollection AddAppFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BootstrapOptions>()
            .Bind(configuration.GetSection(BootstrapOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddScoped<AuditService>();
        services.AddScoped<ClientSecrets>();
        services.AddScoped<AuthClientService>();
        services.AddScoped<UserListService>();
        return services;
    }

    public static IServiceCollection AddAppWeb(this IServiceCollection services)
    {
        services.AddControllersWithViews(options =>
        {
            // Every unsafe request needs an anti-forgery token unless an action opts out
            // (only the OAuth protocol endpoints do).
            options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());

            // Show every problem of a form at once: cross-field rules run even when a field failed.
            options.ValidateComplexTypesIfChildValidationFails = true;
        }).AddJsonOptions(options =>
        {
            // The REST API speaks snake_case, like OAuth and the anchor product's API.
            options.JsonSerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "AuthClients.Antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRouting(options => options.LowercaseUrls = true);
        services.AddProblemDetails();
        return services;
    }

    public static WebApplication UseAppPipeline(this WebApplication app)
    {
        // The generic error page everywhere, Development included: nobody meets a stack trace,
        // and the exception is in the log.
        app.UseExceptionHandler(Routes.Error);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        // Pages get the friendly error page; the API gets RFC 9457 problem details instead.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"),
            api => api.UseStatusCodePages());
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"),
            pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseApiDocumentation();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapControllers();
        app.MapApiDescription();
        return app;
    }
}
