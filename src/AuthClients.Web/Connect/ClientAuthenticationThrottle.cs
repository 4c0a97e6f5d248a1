using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace AuthClients.Web.Connect;

/// <summary>
/// Counts failed client authentications per client ID and per address; past the limit, the
/// protocol endpoints answer 429 until the window ends. Counters are per instance (documented in
/// operations.md): with N instances an attacker gets at most N times the limit.
/// </summary>
public sealed partial class ClientAuthenticationThrottle(TimeProvider clock, ILogger<ClientAuthenticationThrottle> logger) : IDisposable
{
    public const int FailuresPerClient = 10;
    public const int FailuresPerAddress = 30;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    // Bounded, so a flood of random client IDs cannot grow memory without limit.
    private readonly MemoryCache _failures = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public bool IsThrottled(string? clientId, string? address) =>
        Count(ClientKey(clientId)) >= FailuresPerClient || Count(AddressKey(address)) >= FailuresPerAddress;

    public void RecordFailure(string? clientId, string? address)
    {
        // Both counters move before either is compared: the log line fires once, at the threshold.
        var perClient = Increment(ClientKey(clientId));
        var perAddress = Increment(AddressKey(address));
        if (perClient == FailuresPerClient || perAddress == FailuresPerAddress)
        {
            LogThrottled(logger, clientId ?? "(none)", address ?? "(unknown)", Window.TotalMinutes);
        }
    }

    /// <summary>The client ID of a protocol request, from HTTP Basic authentication or the form.</summary>
    public static async Task<string?> ReadClientIdAsync(HttpRequest request)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) &&
            header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                return Uri.UnescapeDataString(decoded.Split(':', 2)[0]);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return request.HasFormContentType ? (await request.ReadFormAsync()).TryGetValue("client_id", out var id) ? id.ToString() : null : null;
    }

    public void Dispose() => _failures.Dispose();

    private int Count(string? key) => key is not null && _failures.TryGetValue(key, out Counter? counter) ? counter!.Value : 0;

    private int Increment(string? key)
    {
        if (key is null)
        {
            return 0;
        }

        var counter = _failures.GetOrCreate(key, entry =>
        {
            entry.AbsoluteExpiration = clock.GetUtcNow() + Window;
            entry.Size = 1;
            return new Counter();
        })!;
        return Interlocked.Increment(ref counter.Value);
    }

    private static string? ClientKey(string? clientId) => string.IsNullOrEmpty(clientId) ? null : "client:" + clientId;

    private static string? AddressKey(string? address) => string.IsNullOrEmpty(address) ? null : "address:" + address;

    private sealed class Counter
    {
        public int Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many failed client authentications for client {ClientId} or from {Address}: refusing them with 429 for up to {Minutes} minutes.")]
    private static partial void LogThrottled(ILogger logger, string clientId, string address, double minutes);
}

internal static class ClientAuthenticationThrottleMiddleware
{
    private static readonly string[] ProtectedPaths = ["/connect/token", "/connect/introspect", "/connect/revoke"];

    /// <summary>Answers 429 before OpenIddict runs when the caller's client or address has failed too often.</summary>
    public static IApplicationBuilder UseClientAuthenticationThrottle(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && ProtectedPaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
            {
                var throttle = context.RequestServices.GetRequiredService<ClientAuthenticationThrottle>();
                var clientId = await ClientAuthenticationThrottle.ReadClientIdAsync(context.Request);
                if (throttle.IsThrottled(clientId, context.Connection.RemoteIpAddress?.ToString()))
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = ((int)ClientAuthenticationThrottle.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    context.Response.Headers.CacheControl = "no-store";
                    await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
                    {
                        ["error"] = "invalid_client",
                        ["error_description"] = "Too many failed client authentications. Try again later.",
                    });
                    return;
                }
            }

            await next(context);
        });
}
