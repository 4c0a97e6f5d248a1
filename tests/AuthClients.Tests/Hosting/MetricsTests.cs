using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace AuthClients.Tests.Hosting;

/// <summary>
/// OpenTelemetry metrics for operators: off (no MeterProvider at all) without the standard OTLP
/// variables, exported over OTLP with them, and what an operator charts: cache hit rates and the
/// token endpoint's and the API's request durations by route. Read through the in-memory exporter,
/// added beside the app's own OTLP exporter. Meters are process-wide, so these tests run while no
/// other test runs (another app's requests would be counted too).
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class MetricsTests
{
    // Nothing listens there: the OTLP exporter only ever exports when its provider shuts down,
    // and a refused connection on the loopback costs nothing.
    private static readonly Dictionary<string, string?> OtlpSettings = new()
    {
        [TelemetryHosting.EndpointVariable] = "http://127.0.0.1:9",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "3600000",
        ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000",
    };

    [Fact]
    public void WithoutTheOtlpVariables_NoMeterProviderOrExporterIsRegistered()
    {
        IServiceCollection? registered = null;
        using var app = new AuthClientsAppFactory
        {
            Settings = { [TelemetryHosting.EndpointVariable] = "", [TelemetryHosting.MetricsEndpointVariable] = "" },
            TestServices = services => registered = services,
        };

        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.DoesNotContain(registered!, d => d.ServiceType == typeof(IOptionsFactory<OtlpExporterOptions>));
    }

    [Theory]
    [InlineData(TelemetryHosting.EndpointVariable)]
    [InlineData(TelemetryHosting.MetricsEndpointVariable)]
    public void WithAnOtlpEndpoint_TheOtlpExporterIsRegistered(string variable)
    {
        IServiceCollection? registered = null;
        using var app = new AuthClientsAppFactory
        {
            Settings = { [variable] = "http://127.0.0.1:9", ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000" },
            TestServices = services => registered = services,
        };

        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.Contains(registered!, d => d.ServiceType == typeof(IOptionsFactory<OtlpExporterOptions>));
    }

    [Fact]
    public async Task TokenAndApiRequests_RecordCacheHitsAndMisses_AndDurationsByRoute()
    {
        var exported = new List<MetricSnapshot>();
        using var app = new AuthClientsAppFactory
        {
            Settings = new Dictionary<string, string?>(OtlpSettings)
            {
                // Long enough that the second request finds what the first one cached, however slow the machine.
                ["OAuthServer:Performance:ClientCacheLifetime"] = "00:00:30",
            },
            TestServices = services => services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(exported)),
        };
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync(scopes: [OAuthScopes.AuthClientsRead]);

        var first = await http.RequestClientTokenAsync(client, OAuthScopes.AuthClientsRead);
        var second = await http.RequestClientTokenAsync(client, OAuthScopes.AuthClientsRead);
        Assert.False(first.IsError || second.IsError, first.Error ?? second.Error);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var list = await http.SendBearerAsync(HttpMethod.Get, "/api/1.0/auth-clients", second.AccessToken!);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        var introspection = await http.IntrospectAsync(client, second.AccessToken!);
        Assert.True(introspection.IsActive, introspection.Error);
        exported.Clear();

        // False: the OTLP exporter's export is refused. The in-memory exporter has its snapshot all the same.
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var lookups = Points(exported, "authclients.cache.lookups")
            .GroupBy(p => (Tag(p, "cache"), Tag(p, "result")))
            .ToDictionary(g => g.Key, g => g.Sum(p => p.GetSumLong()));
        foreach (var cache in new[] { AuthClientCache.ClientsMetricName, AuthClientCache.CredentialsMetricName, VerifiedTokenCache.MetricName })
        {
            Assert.True(lookups.GetValueOrDefault((cache, "miss")) >= 1, $"No miss of the {cache} cache: {string.Join(", ", lookups)}");
            Assert.True(lookups.GetValueOrDefault((cache, "hit")) >= 1, $"No hit of the {cache} cache: {string.Join(", ", lookups)}");
        }

        var durations = Points(exported, "http.server.request.duration")
            .GroupBy(p => Tag(p, "http.route") ?? "(none)")
            .ToDictionary(g => g.Key, g => g.Sum(p => p.GetHistogramCount()));
        Assert.True(durations.GetValueOrDefault("connect/token") == 2, $"Durations by route: {string.Join(", ", durations)}");
        Assert.True(durations.GetValueOrDefault("api/1.0/auth-clients") == 2, $"Durations by route: {string.Join(", ", durations)}");

        // Introspection has no MVC action: OpenIddict answers it before routing reaches one.
        Assert.True(durations.GetValueOrDefault("connect/introspect") == 1, $"Durations by route: {string.Join(", ", durations)}");
    }

    /// <summary>The points of the latest snapshot of the named metric.</summary>
    private static IReadOnlyList<MetricPoint> Points(List<MetricSnapshot> exported, string name)
    {
        var snapshot = exported.LastOrDefault(m => m.Name == name);
        Assert.True(snapshot is not null, $"No {name} was exported; exported: {string.Join(", ", exported.Select(m => m.Name).Distinct())}");
        return snapshot.MetricPoints;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
