using AuthClients.Web.Data;
using Microsoft.AspNetCore.DataProtection;

namespace AuthClients.Web.Hosting;

public static class DataProtectionHosting
{
    /// <summary>
    /// Keys live in the database, so a restart or another instance can read cookies,
    /// anti-forgery tokens and the encrypted secret copies written by this one.
    /// </summary>
    public static IServiceCollection AddAppDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection()
            .SetApplicationName("AuthClients")
            .PersistKeysToDbContext<AppDbContext>();
        return services;
    }
}
