using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Options;

try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.Services
        .AddAppLogging(builder.Configuration)
        .AddAppTelemetry(builder.Configuration)
        .AddAppForwardedHeaders(builder.Configuration)
        .AddAppDatabase(builder.Configuration, builder.Environment)
        .AddAppHealthChecks()
        .AddAppDataProtection(builder.Configuration)
        .AddAppIdentity()
        .AddAppAuthorization()
        .AddAppOpenIddict(builder.Configuration, builder.Environment)
        .AddAppFeatures(builder.Configuration)
        .AddAppWeb()
        .AddAppApi();

    var app = builder.Build();
    if (DatabaseStartup.IsMigrateCommand(args))
    {
        // Disposing the app flushes the console log before the process exits.
        await using (app)
        {
            return await app.MigrateDatabaseAsync();
        }
    }

    app.UseAppPipeline();
    await app.PrepareDatabaseAsync();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    // A bad setting: say which one and stop, without a stack trace.
    await Console.Error.WriteLineAsync("AuthClients cannot start, the configuration is invalid:");
    foreach (var failure in invalid.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 1;
}
