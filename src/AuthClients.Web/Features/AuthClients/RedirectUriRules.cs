namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// What a registered redirect URI must look like (RFC 6749 3.1.2, RFC 9700 2.6): absolute, https
/// (plain http only on loopback), no fragment, no wildcard, no user info.
/// </summary>
public static class RedirectUriRules
{
    public const int MaxLength = 2000;
    public const int MaxCount = 20;

    /// <summary>Splits the form's text area: one URL per line, blank lines ignored.</summary>
    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <returns>A message for the person who typed it, or null when the URI is acceptable.</returns>
    public static string? Check(string uri)
    {
        if (uri.Length > MaxLength)
        {
            return $"The Redirect URL may not be greater than {MaxLength} characters.";
        }

        if (uri.Contains('*', StringComparison.Ordinal))
        {
            return "The Redirect URL must not contain a wildcard (*).";
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || uri.StartsWith('/'))
        {
            return "The Redirect URL must be an absolute URL, such as https://app.example.com/callback.";
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !IsLoopback(parsed))
        {
            return "The Redirect URL must use https; http is allowed only for localhost, 127.0.0.1 and [::1].";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
        {
            return "The Redirect URL must use https; http is allowed only for localhost, 127.0.0.1 and [::1].";
        }

        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return "The Redirect URL must not contain a fragment (#).";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "The Redirect URL must not contain a user name or password.";
        }

        return null;
    }

    // Uri.IsLoopback is true for "localhost" and loopback addresses (127.0.0.0/8, [::1]) only.
    private static bool IsLoopback(Uri uri) => uri.IsLoopback;
}
