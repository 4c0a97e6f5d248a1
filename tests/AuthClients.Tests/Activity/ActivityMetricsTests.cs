using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AuthClients.Tests.Activity;

/// <summary>
/// The operators' view of the same recording points: tokens issued by grant type and failed client
/// authentications by reason reach an OpenTelemetry exporter (the in-memory one here). OpenTelemetry
/// listens to every meter of its name in the process, so this runs alone (<see cref="MetricsCollection"/>):
/// no other test app adds to the counters meanwhile.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ActivityMetricsTests
{
    [Fact]
    public async Task TokensByGrantType_AndFailuresByReason_AreExported()
    {
        var exported = new List<MetricSnapshot>();
        await using var app = new AuthClientsAppFactory
        {
            TestServices = services => services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(AuthClientsMetrics.MeterName)
                .AddInMemoryExporter(exported)),
        };
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync(password: true);
        var email = await app.CreateUserAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        }

        Assert.False((await http.RequestPasswordTokenAsync(client, email, AuthClientsAppFactory.UserPassword)).IsError);
        Assert.True((await http.RequestClientTokenAsync(client with { Secret = "not-the-secret" })).IsError);
        Assert.True((await http.RequestClientTokenAsync(client with { Secret = "not-the-secret-either" })).IsError);
        Assert.True((await http.RequestClientTokenAsync(client, "auth_clients.write")).IsError);
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush());

        Assert.Equal(3, Sum(exported, "authclients.tokens.issued", "grant_type", "client_credentials"));
        Assert.Equal(1, Sum(exported, "authclients.tokens.issued", "grant_type", "password"));
        Assert.Equal(2, Sum(exported, "authclients.client_authentication.failures", "reason", FailureReasons.WrongSecret));
        Assert.Equal(1, Sum(exported, "authclients.client_authentication.failures", "reason", FailureReasons.UnknownScope));
    }

    /// <summary>The counter's total for one tag value, in the last export (cumulative).</summary>
    private static long Sum(List<MetricSnapshot> exported, string name, string tag, string value)
    {
        var metric = exported.Last(m => m.Name == name);
        var total = 0L;
        foreach (var point in metric.MetricPoints)
        {
            foreach (var pair in point.Tags)
            {
                if (pair.Key == tag && Equals(pair.Value, value))
                {
                    total += point.GetSumLong();
                }
            }
        }

        return total;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (runs alone)";
}
