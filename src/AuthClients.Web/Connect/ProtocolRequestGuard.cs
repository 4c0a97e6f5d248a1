using System.Buffers;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Runs for every request to an OAuth / OpenID Connect endpoint, once OpenIddict has read its
/// parameters and before it acts on them. A request whose body could not be read
/// (<see cref="MalformedRequests"/>), or with a control character in a parameter (a NUL cannot
/// even be passed to PostgreSQL; RFC 6749 appendix A allows none in any of its parameters), is refused as <c>invalid_request</c>. OpenIddict writes the
/// refusal in the endpoint's own format (JSON, or the error page of the browser endpoints), and
/// <see cref="ProtocolErrorHandler"/> counts it toward the throttle.
/// </summary>
public sealed class ProtocolRequestGuard : IOpenIddictServerHandler<ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseSingletonHandler<ProtocolRequestGuard>()
            // After the endpoints' Extract handlers (100 000) have read the parameters, before their Validate handlers (101 000).
            .SetOrder(OpenIddictServerHandlers.Exchange.ExtractTokenRequest.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        if (context.EndpointType == OpenIddictServerEndpointType.Unknown || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return ValueTask.CompletedTask;
        }

        if (MalformedRequests.ProblemOf(http) is { } problem)
        {
            context.Reject(Errors.InvalidRequest, problem);
        }
        else if (context.Transaction.Request?.GetParameters().FirstOrDefault(p => HasControlCharacter(p.Key) || ValuesOf(p.Value).Any(HasControlCharacter)) is { Key: { } name })
        {
            context.Reject(Errors.InvalidRequest, HasControlCharacter(name)
                ? "A parameter name contains a control character."
                : $"The '{name}' parameter contains a control character.");
        }

        return ValueTask.CompletedTask;
    }

    // Read from a query string or form, a parameter is one string or several.
    private static StringValues ValuesOf(OpenIddictParameter value) => (StringValues?)value ?? StringValues.Empty;

    // Every control character (char.IsControl: U+0000-U+001F, U+007F-U+009F) but tab and line breaks,
    // which are whitespace in a JSON-valued parameter (claims). Searched vectorised: every token request
    // is scanned (a refresh token is about 2,000 characters), and a LINQ scan per character was about
    // 3% of a refresh's CPU in a profile.
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        [.. Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'))]);

    internal static bool HasControlCharacter(string? text) => text is not null && text.AsSpan().ContainsAny(ControlCharacters);
}
