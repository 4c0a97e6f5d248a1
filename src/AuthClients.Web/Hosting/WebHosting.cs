using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Groups;
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
        services.AddScoped<UserService>();
        services.AddScoped<UserPermissionService>();
        services.AddScoped<ProfileService>();
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
        });
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "AuthClients.Antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRouting(options => options.LowercaseUrls = true);
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

        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapControllers();
        return app;
    }
}
