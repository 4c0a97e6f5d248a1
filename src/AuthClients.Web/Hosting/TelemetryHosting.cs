using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AuthClients.Web.Hosting;

/// <summary>
/// OpenTelemetry metrics for operators: the app's own instruments (<see cref="AuthClientsMetrics"/>)
/// and ASP.NET Core's request durations (<c>http.server.request.duration</c>, by <c>http.route</c>),
/// exported over OTLP. Switched on only by the standard variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>); without
/// them nothing is registered, so no MeterProvider listens and recording an instrument costs
/// next to nothing. The exporter reads the other <c>OTEL_*</c> variables itself (docs/operations.md).
/// </summary>
public static class TelemetryHosting
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string MetricsEndpointVariable = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";
    public const string DefaultServiceName = "authclients";

    /// <summary>ASP.NET Core's meter of <c>http.server.request.duration</c> and active requests.</summary>
    public const string AspNetCoreHostingMeter = "Microsoft.AspNetCore.Hosting";

    public static IServiceCollection AddAppTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!ExportsMetrics(configuration))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration[ServiceNameVariable] is { Length: > 0 } name ? name : DefaultServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(AuthClientsMetrics.MeterName, AspNetCoreHostingMeter)
                .AddOtlpExporter());
        return services;
    }

    /// <summary>
    /// OpenIddict answers some protocol endpoints (introspection, revocation, discovery, the JWKS)
    /// before routing reaches any action, so ASP.NET Core has no route to tag their durations with;
    /// they get their path as <c>http.route</c> (a fixed set: no cardinality from the request). The
    /// token endpoint's MVC action is matched first, so its requests carry <c>connect/token</c> already.
    /// Only when metrics are exported.
    /// </summary>
    public static WebApplication UseProtocolEndpointRoutes(this WebApplication app)
    {
        if (!ExportsMetrics(app.Configuration))
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRouteDiagnosticsMetadata>() is null
                && ProtocolRouteOf(context.Request.Path) is { } path
                && context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
            {
                metrics.Tags.Add(new("http.route", path[1..]));
            }
        });
        return app;
    }

    private static readonly string[] ProtocolRoutes =
    [
        Routes.Token, Routes.Introspect, Routes.Revoke, Routes.Authorize, Routes.UserInfo, Routes.EndSession,
        "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks",
    ];

    /// <summary>The protocol route <paramref name="path"/> is, if any: a loop, so a request allocates nothing here.</summary>
    private static string? ProtocolRouteOf(PathString path)
    {
        foreach (var route in ProtocolRoutes)
        {
            if (path.Equals(route, StringComparison.OrdinalIgnoreCase))
            {
                return route;
            }
        }

        return null;
    }

    /// <summary>Whether an OTLP endpoint is set: in the environment, or any other configuration source.</summary>
    public static bool ExportsMetrics(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[EndpointVariable]) || !string.IsNullOrWhiteSpace(configuration[MetricsEndpointVariable]);
}
