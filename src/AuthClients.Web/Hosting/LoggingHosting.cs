namespace AuthClients.Web.Hosting;

/// <summary>
/// The levels of the <c>Logging</c> section. The framework reads them itself, but stops on a bad
/// one with a stack trace; read here first, a bad level stops the app like any other setting.
/// </summary>
public sealed class LoggingOptions
{
    public const string Section = "Logging";

    /// <summary>By category, e.g. <c>Logging:LogLevel:Default</c> = <c>Warning</c>.</summary>
    public IDictionary<string, LogLevel> LogLevel { get; } = new Dictionary<string, LogLevel>();
}

public static class LoggingHosting
{
    public static IServiceCollection AddAppLogging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStartupOptions<LoggingOptions>(configuration, LoggingOptions.Section);
        return services;
    }
}
