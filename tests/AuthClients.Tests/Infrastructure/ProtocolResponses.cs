using System.Text.Json;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Infrastructure;

public static class ProtocolResponses
{
    /// <summary>
    /// The OAuth <c>error</c> code from the body. Duende reports a 401 as an HTTP error whose
    /// <c>Error</c> is the reason phrase, so tests read the body the way a client should.
    /// </summary>
    public static string? ErrorCode(this ProtocolResponse response)
    {
        if (string.IsNullOrEmpty(response.Raw))
        {
            return null;
        }

        using var body = JsonDocument.Parse(response.Raw);
        return body.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
    }
}
