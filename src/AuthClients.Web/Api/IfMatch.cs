using Microsoft.Net.Http.Headers;

namespace AuthClients.Web.Api;

/// <summary>
/// The <c>If-Match</c> precondition of the API's unsafe requests (RFC 9110 13.1.1), against an
/// auth client's current ETag. It holds when the header is absent, is <c>*</c> (any current
/// version: the client exists), or lists the current ETag; a weak ETag never matches, and a header
/// that is not a list of entity tags does not hold. When it fails the request answers 412 and
/// changes nothing.
/// </summary>
internal static class IfMatch
{
    /// <summary>The ETag of an auth client's version, as GET, PUT and secret regeneration send it.</summary>
    public static string ETag(string? concurrencyToken) => $"\"{concurrencyToken}\"";

    public static bool Holds(HttpRequest request, string? currentToken)
    {
        if (request.Headers.IfMatch.Count == 0)
        {
            return true;
        }

        var current = ETag(currentToken);
        return request.GetTypedHeaders().IfMatch.Any(tag =>
            tag.Equals(EntityTagHeaderValue.Any) || (!tag.IsWeak && tag.Tag.Equals(current, StringComparison.Ordinal)));
    }
}
