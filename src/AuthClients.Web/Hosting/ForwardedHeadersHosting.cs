using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the reverse proxies or load balancers in front of the app.
/// Their <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> headers give the client's address,
/// the scheme (https when they terminate TLS) and the public host name. Nobody else's are believed,
/// and with nothing configured the headers are ignored.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];
}

public static class ForwardedHeadersHosting
{
    public static IServiceCollection AddAppForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = services.AddStartupOptions<TrustedProxyOptions>(configuration, TrustedProxyOptions.Section);
        var proxies = Parse(trusted.KnownProxies, "KnownProxies", "an IP address",
            v => (IPAddress.TryParse(v, out var address), address!));
        var networks = Parse(trusted.KnownNetworks, "KnownNetworks", "a network in CIDR notation (e.g. 10.0.0.0/24)",
            v => (System.Net.IPNetwork.TryParse(v, out var network), network));
        if (proxies.Count == 0 && networks.Count == 0)
        {
            return services;
        }

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;

            // Only the configured proxies: not even loopback, which the defaults trust.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);

            // Walk back through every trusted hop; the first untrusted address stops it anyway.
            options.ForwardLimit = null;

            // A proxy may pass on any client's Host as X-Forwarded-Host: it is held to AllowedHosts too.
            foreach (var host in OpenIddictHosting.ListedHosts(configuration))
            {
                options.AllowedHosts.Add(host);
            }
        });
        services.AddSingleton<IStartupFilter, ForwardedHeadersFirst>();
        return services;
    }

    private static List<T> Parse<T>(IEnumerable<string> values, string key, string expected, Func<string, (bool Ok, T Value)> parse)
    {
        var parsed = new List<T>();
        foreach (var (value, index) in values.Select((value, index) => (value, index)))
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var (ok, item) = parse(value.Trim());
            if (!ok)
            {
                throw new OptionsValidationException(TrustedProxyOptions.Section, typeof(TrustedProxyOptions),
                    [$"{TrustedProxyOptions.Section}:{key}:{index} '{value}' is not {expected}."]);
            }

            parsed.Add(item);
        }

        return parsed;
    }

    /// <summary>Before anything reads the scheme, host or client address.</summary>
    private sealed class ForwardedHeadersFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
