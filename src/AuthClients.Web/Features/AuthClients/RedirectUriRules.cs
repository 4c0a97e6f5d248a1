using System.Text.RegularExpressions;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// What a registered redirect (or post-logout redirect) URI must look like (RFC 6749 3.1.2,
/// RFC 9700 2.6): a clean absolute URI, https (plain http only on loopback), no fragment, no
/// wildcard, no user info. What is accepted is stored in its canonical form
/// (<see cref="Canonical"/>), the form the authorization endpoint compares character by character.
/// </summary>
public static partial class RedirectUriRules
{
    // RFC 3986's unreserved and reserved characters and "%", less "*", "[" and "]" (refused above with their own messages).
    private const string UrlCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'()+,;=%";

    public const int MaxLength = 2000;
    public const int MaxCount = 20;
    public const string RedirectLabel = "Redirect URL";
    public const string PostLogoutLabel = "Post-logout Redirect URL";

    /// <summary>Splits the form's text area: one URL per line, surrounding spaces and blank lines ignored.</summary>
    public static IReadOnlyList<string> Split(string? text) => Split([text]);

    /// <summary>
    /// The same for a list of entries (the API's): each entry split at its line breaks as the text
    /// area is, so both give the same URIs to the same rules.
    /// </summary>
    public static IReadOnlyList<string> Split(IEnumerable<string?> entries) =>
        entries.SelectMany(entry => (entry ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The URIs to store: each in its canonical form, once. Call it only on URIs that passed <see cref="Check"/>.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> uris) =>
        uris.Select(Canonical).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Lower-case scheme and host, no default port, dot segments resolved, percent-encoding as
    /// .NET writes it: <c>HTTPS://App.Example.com:443/a/../cb</c> is <c>https://app.example.com/cb</c>.
    /// </summary>
    public static string Canonical(string uri) =>
        PercentEscape().Replace(new Uri(uri, UriKind.Absolute).AbsoluteUri, escape => escape.Value.ToUpperInvariant());

    /// <returns>A message for the person who typed it, or null when the URI is acceptable.</returns>
    public static string? Check(string uri, string label = RedirectLabel)
    {
        if (uri.Length > MaxLength)
        {
            return $"The {label} may not be greater than {MaxLength} characters.";
        }

        // Anything outside printable ASCII is refused rather than guessed at: browsers and Uri
        // silently drop or re-encode tabs, line breaks and Unicode, so what was typed would not
        // be what is compared (or what lands in a Location header).
        if (uri.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"The {label} must not contain spaces, tabs, line breaks or control characters (percent-encode a space as %20).";
        }

        if (uri.Any(c => c > '~'))
        {
            return $"The {label} must be plain ASCII: write an international host name in its xn-- form and percent-encode other characters.";
        }

        if (uri.Contains('\\', StringComparison.Ordinal))
        {
            return $"The {label} must not contain a backslash (\\).";
        }

        if (uri.Contains('*', StringComparison.Ordinal))
        {
            return $"The {label} must not contain a wildcard (*).";
        }

        // CSP cannot name an IP-literal origin, so a browser would block the redirect from the
        // consent page (form-action): such a client could never complete a flow.
        if (uri.Contains('[', StringComparison.Ordinal) || uri.Contains(']', StringComparison.Ordinal))
        {
            return $"The {label} must not use an IPv6 address or brackets: use http://127.0.0.1 or http://localhost for a program on this computer.";
        }

        if (uri.Any(c => !UrlCharacters.Contains(c)))
        {
            return $"The {label} may hold only letters, digits and - . _ ~ : / ? # @ ! $ & ' ( ) + , ; = %: percent-encode any other character.";
        }

        if (MalformedEscape().IsMatch(uri))
        {
            return $"The {label} has a % that is not followed by two hexadecimal digits (write a % sign as %25).";
        }

        if (EncodedControl().IsMatch(uri))
        {
            return $"The {label} must not contain percent-encoded control characters (such as %00 or %0D%0A).";
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || uri.StartsWith('/'))
        {
            return $"The {label} must be an absolute URL, such as https://app.example.com/callback.";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback))
        {
            return $"The {label} must use https; http is allowed only for localhost and 127.0.0.1.";
        }

        // "https:/evil.com" parses, with a host Uri guessed: only "scheme://host" is accepted as written.
        if (!uri.StartsWith(parsed.Scheme + "://", StringComparison.OrdinalIgnoreCase) || parsed.Host.Length == 0)
        {
            return $"The {label} must be an absolute URL, such as https://app.example.com/callback.";
        }

        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return $"The {label} must not contain a fragment (#).";
        }

        // Any "@" before the path, even with nothing in front of it ("https://@evil.example"), is user info.
        var authority = uri[(parsed.Scheme.Length + 3)..].Split('/', '?', '#')[0];
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            return $"The {label} must not contain a user name or password.";
        }

        if (!HostName().IsMatch(parsed.IdnHost))
        {
            return $"The {label} must name a valid host: letters, digits and hyphens between dots, such as app.example.com.";
        }

        return null;
    }

    /// <summary>Every problem of a list of URIs (as <see cref="Split(string?)"/> gives them), each prefixed with its URI when there are several.</summary>
    /// <param name="requiredMessage">The message when there is none, or null when none is fine.</param>
    public static IEnumerable<string> Problems(IReadOnlyList<string> uris, string label, string? requiredMessage)
    {
        if (requiredMessage is not null && uris.Count == 0)
        {
            yield return requiredMessage;
        }

        if (uris.Count > MaxCount)
        {
            yield return $"At most {MaxCount} {label}s are allowed.";
        }

        foreach (var uri in uris)
        {
            if (Check(uri, label) is { } problem)
            {
                yield return (uris.Count > 1 ? $"{uri}: " : "") + problem;
            }
        }
    }

    [GeneratedRegex("%[0-9a-fA-F]{2}")]
    private static partial Regex PercentEscape();

    [GeneratedRegex("%(?![0-9a-fA-F]{2})")]
    private static partial Regex MalformedEscape();

    [GeneratedRegex("%(?:[01][0-9a-fA-F]|7[fF])")]
    private static partial Regex EncodedControl();

    // DNS labels (RFC 1123), which also covers dotted IPv4 addresses; what a CSP host-source can name.
    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$")]
    private static partial Regex HostName();
}
