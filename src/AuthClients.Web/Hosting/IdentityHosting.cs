using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;

namespace AuthClients.Web.Hosting;

public static class IdentityHosting
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Identity's third schema: passkeys (AspNetUserPasskeys). Identity's DbContext reads it from the
    /// app's services when it builds the model.
    /// </summary>
    public static readonly Version SchemaVersion = IdentitySchemaVersions.Version3;

    /// <summary>
    /// Just the options that shape Identity's tables, for a context built without the app: `dotnet ef`
    /// (Data/DesignTimeFactories.cs) and the tests' own contexts. Without them Identity builds its
    /// first schema, and EF Core caches that model for the context type, so a later context of the
    /// same type (the design-time one included) would get the model without passkeys.
    /// </summary>
    public static IServiceProvider SchemaServices { get; } = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = SchemaVersion)
        .BuildServiceProvider();

    /// <summary>
    /// A passkey ceremony counts only when the browser ran it on this app's own page: its origin is
    /// the configured issuer's (OAuthServer:Issuer, fixed outside Development), or else the origin
    /// the request came to; never from a frame of another site. Identity's default compares it
    /// with the request's Origin header, which browsers send as "null" on a form post from a page
    /// with Referrer-Policy: no-referrer, as every page here has.
    /// </summary>
    private static ValueTask<bool> IsOwnOrigin(PasskeyOriginValidationContext context)
    {
        var request = context.HttpContext.Request;
        var issuer = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<OAuthServerOptions>>().Value.Issuer;
        var own = issuer is null
            ? $"{request.Scheme}://{request.Host.ToUriComponent()}"
            : issuer.GetLeftPart(UriPartial.Authority);
        return ValueTask.FromResult(!context.CrossOrigin && string.Equals(context.Origin, own, StringComparison.OrdinalIgnoreCase));
    }

    public static IServiceCollection AddAppIdentity(this IServiceCollection services)
    {
        services.AddIdentity<AppUser, IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B): 12 characters, any kind.
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireDigit = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                options.Lockout.AllowedForNewUsers = true;
                // Passkeys need Identity's third schema.
                options.Stores.SchemaVersion = SchemaVersion;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddUserStore<SecondFactorUserStore>()
            .AddUserManager<AppUserManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddClaimsPrincipalFactory<SignInTimeClaims>();
        services.Configure<SecurityStampValidatorOptions>(options => options.OnRefreshingPrincipal = SignInTimeClaims.KeepSignInTime);
        services.Configure<IdentityPasskeyOptions>(options => options.ValidateOrigin = IsOwnOrigin);

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "AuthClients.Session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = Routes.SignIn;
            options.LogoutPath = Routes.SignOut;
            options.AccessDeniedPath = Routes.AccessDenied;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.EventsType = typeof(CurrentAccessCookieEvents);
        });
        return services;
    }
}
