using System.Data.Common;
using System.Text.Json;
using AuthClients.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthClients.Web.Hosting;

/// <summary>
/// Health endpoints for a load balancer or orchestrator, anonymous like any probe:
/// <c>/health/live</c> answers 200 while the process runs; <c>/health/ready</c> answers 200 only
/// when the database is reachable, has no pending migration and this instance has finished
/// starting, 503 otherwise. They sit at the very start of the pipeline, ahead of authentication:
/// a probe needs no session, and must not wake the authorization server on an unprepared database.
/// </summary>
public static class HealthHosting
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";
    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>A probe must answer before the load balancer gives up on it, whatever the database does.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddAppHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<AppDbContext>("database", tags: [ReadyTag])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [ReadyTag]);
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                registration.Timeout = CheckTimeout;
            }
        });
        services.AddSingleton<IStartupFilter, HealthEndpointsFirst>();
        // The health service logs an Error for every probe that finds a check unhealthy: during an
        // outage, a load balancer's probe every few seconds. The prober reads the answer; the outage
        // itself is logged once (DatabaseOutage).
        services.Configure<LoggerFilterOptions>(options => options.AddFilter(HealthCheckServiceCategory, LogLevel.Critical));
        return services;
    }

    /// <summary>Status and each check's outcome, without exception details (the endpoints are anonymous).</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }

    /// <summary>
    /// The health endpoints, then a gate that answers 503 to every other request while the
    /// database is not prepared, then the app's own pipeline.
    /// </summary>
    private sealed class HealthEndpointsFirst(DatabaseReadiness readiness) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
            app.UseHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
            app.Use(async (context, nextMiddleware) =>
            {
                if (readiness.IsPrepared)
                {
                    await nextMiddleware(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "10";
                await context.Response.WriteAsync("AuthClients is starting: the database is not ready yet.", context.RequestAborted);
            });
            next(app);
        };
    }
}

/// <summary>Unhealthy while migrations are pending or this instance has not finished preparing the database.</summary>
internal sealed class MigrationsHealthCheck(AppDbContext db, DatabaseReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int pending;
        try
        {
            pending = (await db.Database.PendingMigrationsAsync(cancellationToken)).Count;
        }
        catch (Exception fault) when (DatabaseFaults.IsUnavailable(fault) || fault is DbException)
        {
            // An answer, not an exception: the health service would log a stack trace for every probe
            // of the outage, which DatabaseOutage logs once.
            return HealthCheckResult.Unhealthy("The database cannot be reached.");
        }

        if (pending > 0)
        {
            return HealthCheckResult.Unhealthy($"{pending} migration(s) pending: apply them with the migrate command or the SQL script.");
        }

        return readiness.IsPrepared
            ? HealthCheckResult.Healthy("The schema is up to date.")
            : HealthCheckResult.Unhealthy("The schema is up to date; this instance is finishing its start-up.");
    }
}
