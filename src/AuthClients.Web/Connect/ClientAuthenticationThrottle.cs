using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Caching.Memory;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>
/// Counts failures at the protocol endpoints (a wrong client secret, a wrong password in the
/// password grant, a malformed request) by the caller's address; past a limit, that address gets
/// 429 until the window ends. Every counter includes the address, so whoever fails for a client or
/// an account from one address never locks it out for anyone else (security checklist 40): the
/// client's or user's own address keeps working. Counters are per instance (documented in
/// operations.md): with N instances an attacker gets at most N times the limit.
/// </summary>
public sealed partial class ClientAuthenticationThrottle(TimeProvider clock, ILogger<ClientAuthenticationThrottle> logger) : IDisposable
{
    /// <summary>Failures of any kind from one address.</summary>
    public const int FailuresPerAddress = 30;

    /// <summary>Wrong secrets for one client from one address.</summary>
    public const int FailuresPerClient = 10;

    /// <summary>Wrong passwords for one account from one address: as many as the sign-in page allows before its lockout.</summary>
    public const int FailuresPerAccount = IdentityHosting.MaxFailedSignIns;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    // Caller-chosen text is cut to this length in keys: real client IDs and emails are far shorter.
    private const int MaxKeyPart = 256;

    // Bounded, so a flood of random client IDs cannot grow memory without limit.
    private readonly MemoryCache _failures = new(new MemoryCacheOptions { SizeLimit = 100_000, Clock = new CacheClock(clock) }); // the clock its expiries are set on

    /// <summary>The OAuth error to refuse a request with (429), or null when it may go ahead.</summary>
    public string? RefusalFor(IPAddress? address, string? clientId, string? account)
    {
        var from = AddressOf(address);
        if (Count(AccountKey(from, account)) >= FailuresPerAccount)
        {
            return Errors.InvalidGrant;
        }

        return Count(ClientKey(from, clientId)) >= FailuresPerClient || Count(AddressKey(from)) >= FailuresPerAddress
            ? Errors.InvalidClient
            : null;
    }

    /// <summary>A wrong secret, or an unknown client.</summary>
    public void RecordClientFailure(IPAddress? address, string? clientId)
    {
        var from = AddressOf(address);
        // Both counters move before either is compared: the log line fires once, at the threshold.
        var perClient = Increment(ClientKey(from, clientId));
        var perAddress = Increment(AddressKey(from));
        if (perClient == FailuresPerClient)
        {
            LogClientThrottled(logger, CallerText.Printable(clientId) ?? "(none)", from ?? "(unknown)", Window.TotalMinutes);
        }

        LogIfAddressThrottled(from, perAddress);
    }

    /// <summary>A wrong password (or unknown or inactive account) in the password grant.</summary>
    public void RecordAccountFailure(IPAddress? address, string? account)
    {
        var from = AddressOf(address);
        var perAccount = Increment(AccountKey(from, account));
        var perAddress = Increment(AddressKey(from));
        if (perAccount == FailuresPerAccount)
        {
            // Not the account name: people type passwords into the user name field.
            LogAccountThrottled(logger, from ?? "(unknown)", Window.TotalMinutes);
        }

        LogIfAddressThrottled(from, perAddress);
    }

    /// <summary>A request the endpoint could not read or refused as malformed.</summary>
    public void RecordMalformedRequest(IPAddress? address)
    {
        var from = AddressOf(address);
        LogIfAddressThrottled(from, Increment(AddressKey(from)));
    }

    /// <summary>The client ID and (for the password grant) the account of a protocol request, from HTTP Basic authentication or the form.</summary>
    public static async Task<(string? ClientId, string? Account)> ReadCallerAsync(HttpRequest request)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted) : null;
        var account = form is not null && form[Parameters.GrantType] == GrantTypes.Password ? form[Parameters.Username].ToString() : null;
        return (BasicClientId(request) ?? form?[Parameters.ClientId].ToString(), account);
    }

    public void Dispose() => _failures.Dispose();

    private static string? BasicClientId(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is not { } parameter)
        {
            return null;
        }

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

    /// <summary>
    /// The caller as the counters know it. An IPv6 host usually holds a whole /64 network, so one
    /// counts as one caller; otherwise changing addresses would be a way round every limit.
    /// </summary>
    private static string? AddressOf(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private void LogIfAddressThrottled(string? from, int perAddress)
    {
        if (perAddress == FailuresPerAddress)
        {
            LogAddressThrottled(logger, from!, Window.TotalMinutes);
        }
    }

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

    // Without an address (a request that did not come over a network connection) only the
    // per-client and per-account counters apply: one shared "unknown" caller would let anyone
    // lock everyone else out.
    private static string? AddressKey(string? from) => from is null ? null : "address:" + from;

    private static string? ClientKey(string? from, string? clientId) =>
        string.IsNullOrEmpty(clientId) ? null : $"client:{from}|{Cut(clientId)}";

    // Emails are compared in any case, as Identity finds them.
    private static string? AccountKey(string? from, string? account) =>
        string.IsNullOrEmpty(account) ? null : $"account:{from}|{Cut(account).ToUpperInvariant()}";

    private static string Cut(string text) => text.Length <= MaxKeyPart ? text : text[..MaxKeyPart];

    private sealed class Counter
    {
        public int Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many failed client authentications for client {ClientId} from {Address}: refusing them with 429 for up to {Minutes} minutes.")]
    private static partial void LogClientThrottled(ILogger logger, string clientId, string address, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many wrong passwords for one account from {Address} (password grant): refusing them with 429 for up to {Minutes} minutes.")]
    private static partial void LogAccountThrottled(ILogger logger, string address, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many failed or malformed protocol requests from {Address}: refusing its requests with 429 for up to {Minutes} minutes.")]
    private static partial void LogAddressThrottled(ILogger logger, string address, double minutes);
}

internal static class ClientAuthenticationThrottleMiddleware
{
    /// <summary>The endpoints where callers authenticate with a secret or a password.</summary>
    public static readonly string[] ProtectedPaths = ["/connect/token", "/connect/introspect", "/connect/revoke"];

    public static bool IsProtected(PathString path) => ProtectedPaths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Answers 429 before OpenIddict runs when the caller's address has failed too often (for this client or account).</summary>
    public static IApplicationBuilder UseClientAuthenticationThrottle(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsProtected(context.Request.Path))
            {
                var throttle = context.RequestServices.GetRequiredService<ClientAuthenticationThrottle>();
                var (clientId, account) = await ClientAuthenticationThrottle.ReadCallerAsync(context.Request);
                if (throttle.RefusalFor(context.Connection.RemoteIpAddress, clientId, account) is { } error)
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = ((int)ClientAuthenticationThrottle.Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    context.Response.Headers.CacheControl = "no-store";
                    await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
                    {
                        ["error"] = error,
                        ["error_description"] = "Too many failed requests from this address. Try again later.",
                    });
                    return;
                }
            }

            await next(context);
        });
}
