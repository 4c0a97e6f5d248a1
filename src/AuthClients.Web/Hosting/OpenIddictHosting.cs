using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;

namespace AuthClients.Web.Hosting;

public static class OpenIddictHosting
{
    public static IServiceCollection AddAppOpenIddict(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(options => options
                .UseEntityFrameworkCore()
                .UseDbContext<AppDbContext>()
                .ReplaceDefaultEntities<AuthClientApplication, AuthClientAuthorization, AuthClientScope, AuthClientToken, string>());
        return services;
    }
}
