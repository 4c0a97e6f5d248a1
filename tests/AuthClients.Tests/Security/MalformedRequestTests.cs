using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Security;

/// <summary>
/// Security checklist 39: no request, however malformed, gets a 5xx. Several hundred requests are
/// generated (content types × bodies, and odd characters in every parameter) and sent to every
/// OAuth endpoint, the API and the page forms. Each must get a 4xx in the format of what it
/// reached (JSON with <c>error</c> from the OAuth endpoints, problem details from the API, the
/// friendly error page from pages), and none may change what is stored.
/// </summary>
public sealed class MalformedRequestTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string FormType = "application/x-www-form-urlencoded";

    /// <summary>Text no parameter should carry, or that a careless reader trips over.</summary>
    private static readonly string[] OddText =
    [
        "\0", "a\0b", "\u0001", "\u001b[31m", "\u007f", "\u0085", "\r\n", "\ud800", "\udfff x", "\uffff", "\u202e", "😀",
        "'", "\"", "\\", "%", "_", "[a-z]", "*", "\" OR 1=1 --", "NEAR(a b)", "a AND b", "{}", "<script>",
        new string('x', 10_000),
    ];

    private const string MultipartType = "multipart/form-data; boundary=b";

    /// <summary>Bodies already encoded, with the type they are meant as: broken escapes, bytes that are not UTF-8, limits passed.</summary>
    private static readonly (string Name, string ContentType, byte[] Bytes)[] OddBodies =
    [
        ("empty", FormType, []),
        ("only separators", FormType, Ascii("&&&=&=")),
        ("broken escapes", FormType, Ascii("client_id=%&token=%zz&%=%")),
        ("percent-encoded NUL", FormType, Ascii("client_id=%00&token=a%00b&%00=x")),
        ("percent-encoded bytes that are not UTF-8", FormType, Ascii("client_id=%C3%28&token=%ED%A0%80%FF")),
        ("raw bytes that are not UTF-8", FormType, [.. Ascii("client_id="), 0xC3, 0x28, .. Ascii("&token="), 0xFF, 0xFE]),
        ("raw NUL", FormType, Ascii("client_id=a\0b&token=\0")),
        ("too many fields", FormType, Ascii(string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=x")))),
        ("key over the limit", FormType, Ascii(new string('k', 3000) + "=v")),
        ("JSON", "application/json", Ascii("{\"client_id\":\"x\",\"grant_type\":\"client_credentials\"}")),
        ("multipart with a NUL", MultipartType, Ascii("--b\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nx\0y\r\n--b--\r\n")),
        ("multipart cut short", MultipartType, Ascii("--b\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nx")),
    ];

    private static readonly string?[] ContentTypes =
    [
        null,
        FormType,
        FormType + "; charset=utf-8",
        FormType + "; charset=utf-16",
        FormType + "; charset=utf-7",
        FormType + "; charset=no-such-charset",
        FormType + "; charset=\"",
        "multipart/form-data",
        "multipart/form-data; boundary=b",
        "multipart/form-data; boundary=\"\"",
        "application/json",
        "text/plain",
        ";;;",
    ];

    /// <summary>Each OAuth endpoint, the parameters it reads, and what its errors look like.</summary>
    private static readonly ProtocolEndpoint[] Endpoints =
    [
        new("/connect/token", Answer.Json, ["grant_type", "client_id", "client_secret", "scope", "username", "password", "code", "code_verifier", "redirect_uri", "refresh_token"]),
        new("/connect/introspect", Answer.Json, ["token", "token_type_hint", "client_id", "client_secret"]),
        new("/connect/revoke", Answer.Json, ["token", "token_type_hint", "client_id", "client_secret"]),
        new("/connect/userinfo", Answer.Bearer, ["access_token"]),
        new("/connect/authorize", Answer.Browser, ["client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"]),
        new("/connect/logout", Answer.Browser, ["id_token_hint", "post_logout_redirect_uri", "state", "client_id"]),
    ];

    private readonly List<string> _failures = [];
    private int _unknownClient = 900_000_000;

    [Fact]
    public async Task OAuthEndpoints_AnswerEveryMalformedRequestWith4xxInTheirOwnFormat()
    {
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var before = await StoredStateAsync();
        var sent = 0;

        // Every content type with every odd body, each combination at one endpoint, in turn.
        var combination = 0;
        foreach (var contentType in ContentTypes)
        {
            foreach (var (bodyName, _, body) in OddBodies)
            {
                var endpoint = Endpoints[combination++ % Endpoints.Length];
                await CheckAsync(endpoint, $"{contentType ?? "no content type"} / {bodyName}", await http.SendAsync(Post(endpoint.Path, contentType, body)));
                sent++;
            }
        }

        // Every odd text in one parameter of every endpoint, in turn in the body, in the query
        // string, and in a body that repeats every parameter.
        foreach (var endpoint in Endpoints)
        {
            for (var i = 0; i < OddText.Length; i++)
            {
                var parameter = endpoint.Parameters[i % endpoint.Parameters.Count];
                var fields = Fields(endpoint, parameter, OddText[i]);
                var request = (i % 3) switch
                {
                    0 => Post(endpoint.Path, FormType, Ascii(Encode(fields))),
                    1 => new HttpRequestMessage(HttpMethod.Get, endpoint.Path + "?" + Encode(fields)),
                    _ => Post(endpoint.Path, FormType, Ascii(Encode(fields.Concat(fields)))),
                };
                await CheckAsync(endpoint, $"{request.Method} {parameter}={Describe(OddText[i])}", await http.SendAsync(request));
                sent++;
            }

            // A value over the form's limit (4 MB), once per endpoint: the same path every time.
            var huge = Ascii(Encode(Fields(endpoint, endpoint.Parameters[0], "")) + new string('a', 5_000_000));
            await CheckAsync(endpoint, "huge value", await http.SendAsync(Post(endpoint.Path, FormType, huge)));
            sent++;
        }

        Assert.True(sent > 300, $"Only {sent} requests were generated.");
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {sent} answers were wrong:\n" + string.Join('\n', _failures.Take(40)));
        Assert.Equal(before, await StoredStateAsync());
    }

    [Theory]
    [InlineData("no-such-charset")]
    [InlineData("\"utf-9\"")]
    [InlineData("x-unknown")]
    public async Task TokenRequest_InACharsetTheServerDoesNotKnow_IsInvalidRequest_NotReadAsUtf8(string charset)
    {
        var client = await app.RegisterClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new ByteArrayContent(Ascii($"grant_type=client_credentials&client_id={client.ClientId}&client_secret={Uri.EscapeDataString(client.Secret)}")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"application/x-www-form-urlencoded; charset={charset}");

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"invalid_request\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_AnswersEveryMalformedRequestWithProblemDetails()
    {
        var http = app.CreateClient();
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var existing = await app.RegisterClientAsync();
        var before = await StoredStateAsync();
        var route = "/api/1.0/auth-clients";

        // Every body has a defect: an odd text where a grant type belongs, a NUL or unpaired
        // surrogate anywhere, JSON that does not parse or has the wrong shape, or no JSON at all.
        var bodies = new List<(string Name, string? ContentType, byte[] Body)>();
        foreach (var text in OddText)
        {
            var json = JsonSerializer.Serialize(text);
            bodies.Add(($"grant type {Describe(text)}", "application/json", Utf8($"{{\"name\":{json},\"grant_types\":[{json}]}}")));
        }

        foreach (var field in new[] { "name", "redirect_uris", "scopes", "client_type" })
        {
            foreach (var bad in new[] { "\\u0000", "a\\u0000b", "\\ud800", "\\udc00x" })
            {
                var value = field is "redirect_uris" or "scopes" ? $"[\"{bad}\"]" : $"\"{bad}\"";
                bodies.Add(($"{field} {bad}", "application/json", Utf8($"{{\"name\":\"valid name {Guid.NewGuid():N}\",\"grant_types\":[\"client_credentials\"],\"{field}\":{value}}}")));
            }
        }

        foreach (var (name, json) in new[]
        {
            ("not JSON", "name=x"), ("cut short", "{\"name\":"), ("array", "[]"), ("string", "\"x\""), ("number for text", "{\"name\":1}"),
            ("null lists", "{\"name\":\"x\",\"grant_types\":null,\"scopes\":null,\"redirect_uris\":null}"),
            ("null in lists", "{\"name\":\"x\",\"grant_types\":[null],\"scopes\":[null]}"),
            ("deep", new string('[', 5000) + new string(']', 5000)),
            ("huge name", $"{{\"name\":\"{new string('x', 100_000)}\",\"grant_types\":[\"client_credentials\"]}}"),
            ("trailing garbage", "{\"name\":\"x\"} {"), ("empty", ""),
        })
        {
            bodies.Add((name, "application/json", Utf8(json)));
        }

        foreach (var contentType in ContentTypes.Where(t => t != "application/json"))
        {
            bodies.Add(($"content type {contentType}", contentType, Utf8("{\"name\":\"x\",\"grant_types\":[\"client_credentials\"]}")));
        }

        var sent = 0;
        foreach (var (name, contentType, body) in bodies)
        {
            foreach (var (method, url) in new[] { (HttpMethod.Post, route), (HttpMethod.Put, $"{route}/{existing.ClientId}") })
            {
                var request = Post(url, contentType, body);
                request.Method = method;
                await CheckProblemAsync($"{method} {url} {name}", await http.SendAsync(Authorized(request, token)));
                sent++;
            }
        }

        // Paths and methods the API does not have, with a valid token and a browser's Accept header.
        foreach (var (method, url, status) in new[]
        {
            (HttpMethod.Get, "/api/1.0/no-such-resource", 404), (HttpMethod.Get, $"{route}/{existing.ClientId}/no-such-part", 404),
            (HttpMethod.Get, "/api/2.0/auth-clients", 404), (HttpMethod.Get, "/api", 404), (HttpMethod.Post, "/api/1.0", 404),
            (HttpMethod.Delete, route, 405), (HttpMethod.Patch, $"{route}/{existing.ClientId}", 405), (HttpMethod.Post, "/api/1.0/me", 405),
        })
        {
            var request = Authorized(new HttpRequestMessage(method, url), token);
            request.Headers.Accept.ParseAdd("text/html");
            var response = await http.SendAsync(request);
            await CheckProblemAsync($"{method} {url}", response);
            if ((int)response.StatusCode != status)
            {
                _failures.Add($"{method} {url}: {(int)response.StatusCode}, expected {status}");
            }

            sent++;
        }

        Assert.True(_failures.Count == 0, $"{_failures.Count} of {sent} answers were wrong:\n" + string.Join('\n', _failures.Take(40)));
        Assert.Equal(before, await StoredStateAsync());
    }

    [Fact]
    public async Task Forms_AnswerEveryUnreadableBodyWithTheErrorPage_AndChangeNothing()
    {
        var admin = await app.SignedInAsAdminAsync();
        var anonymous = app.CreateBrowser();
        var client = await app.CreateStoredClientAsync();
        var groupId = await app.CreateGroupAsync();
        var (_, userId) = await app.CreateUserWithIdAsync();
        var antiforgery = await admin.GetAntiforgeryTokenAsync(AuthClientPages.List);
        var before = await StoredStateAsync();
        var forms = new (HttpClient Browser, string Url)[]
        {
            (anonymous, "/account/login"), (admin, AuthClientPages.CreatePage), (admin, AuthClientPages.EditPage(client.Id)),
            (admin, AuthClientPages.DeleteUrl(client.Id)), (admin, AuthClientPages.RegenerateSecretUrl(client.Id)),
            (admin, $"{UserGroupPages.Users}/create"), (admin, $"{UserGroupPages.Users}/{userId}/edit"), (admin, $"{UserGroupPages.Users}/{userId}/delete"),
            (admin, $"{UserGroupPages.Groups}/create"), (admin, $"{UserGroupPages.Groups}/{groupId}/delete"),
            (admin, $"{UserGroupPages.Groups}/{groupId}/members/add"), (admin, $"{UserGroupPages.Profile}/password"),
        };

        // A multipart body that would pass anti-forgery and validation but for a NUL in each text field.
        var withNul = Multipart(
            ("__RequestVerificationToken", antiforgery), ("Form.Name", "n\0ul"), ("Form.FirstName", "A\0da"), ("Form.LastName", "L\0"),
            ("Form.Email", $"n\0ul-{Guid.NewGuid():N}@example.test"), ("Form.Status", "Active"), ("Form.EnableClientCredentials", "true"),
            ("Form.Description", "\0"), ("Email", AuthClientsAppFactory.AdminEmail + "\0"), ("Password", AuthClientsAppFactory.AdminPassword + "\0"),
            ("userId", userId + "\0"), ("CurrentPassword", "\0"), ("NewPassword", "\0"), ("ConfirmPassword", "\0"));
        var cases = OddBodies.Where(b => b.ContentType != "application/json" && b.Bytes.Length > 0)
            .Select(b => (b.Name, b.ContentType, b.Bytes))
            .Append(("multipart without a boundary", "multipart/form-data", Ascii("a=b")))
            .Append(("a charset .NET refuses", FormType + "; charset=utf-7", Ascii("a=b")))
            .Append(("a Content-Type that does not parse", FormType + "; charset=\"", Ascii("a=b")))
            .Append(("multipart with a NUL in every field", MultipartType, withNul))
            .ToList();

        var sent = 0;
        foreach (var (browser, url) in forms)
        {
            foreach (var (name, contentType, body) in cases)
            {
                var response = await browser.SendAsync(Post(url, contentType, body));
                var html = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                if (status is not (400 or 413) || response.Content.Headers.ContentType?.MediaType != "text/html" || !html.Contains("Reference:", StringComparison.Ordinal))
                {
                    _failures.Add($"POST {url} {name}: {status} {response.Content.Headers.ContentType} {Start(html)}");
                }

                sent++;
            }
        }

        Assert.True(_failures.Count == 0, $"{_failures.Count} of {sent} answers were wrong:\n" + string.Join('\n', _failures.Take(40)));
        Assert.Equal(before, await StoredStateAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(AuthClientPages.List)).StatusCode); // still signed in
    }

    private async Task<string> StoredStateAsync() => await app.SnapshotAsync() + await app.UsersAndGroupsSnapshotAsync();

    private async Task CheckAsync(ProtocolEndpoint endpoint, string what, HttpResponseMessage response)
    {
        if (endpoint.Path == "/connect/logout" && response.StatusCode == HttpStatusCode.Redirect &&
            response.Headers.Location?.OriginalString.StartsWith("/connect/logout?", StringComparison.Ordinal) == true)
        {
            // A logout posted from the client's site continues as the same request by GET (which
            // carries the SameSite=Lax session). A body of odd but harmless parameters is a plain
            // logout request: its GET asks "Sign out?"; anything else there must be a proper error.
            using var http = app.CreateClient(new() { AllowAutoRedirect = false });
            var continued = await http.GetAsync(response.Headers.Location);
            if (continued.StatusCode == HttpStatusCode.OK && (await continued.Content.ReadAsStringAsync()).Contains("Sign out?", StringComparison.Ordinal))
            {
                return;
            }

            response = continued;
            what += " (continued by GET)";
        }

        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var wrong = status is < 400 or > 499 ? "not a 4xx" : endpoint.Answer switch
        {
            Answer.Json => HasErrorMember(body) ? null : "no JSON error",
            // RFC 6750 3: a bearer endpoint may answer with the WWW-Authenticate header alone.
            Answer.Bearer => HasErrorMember(body) || (body.Length == 0 && response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
                ? null : "neither a JSON error nor a Bearer challenge",
            _ => mediaType == "text/html" && !body.Contains("Reference:", StringComparison.Ordinal) ? "an HTML page that is not the error page"
                : mediaType == "text/plain" && !body.Contains("error", StringComparison.Ordinal) ? "a text answer without an error" : null,
        };
        if (wrong is null && body.Contains("Exception", StringComparison.Ordinal))
        {
            wrong = "internals in the body";
        }

        if (wrong is not null)
        {
            _failures.Add($"{endpoint.Path} {what}: {wrong}: {status} {mediaType} {Start(body)}");
        }
    }

    private async Task CheckProblemAsync(string what, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status is < 400 or > 499 || response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !HasMember(body, "status"))
        {
            _failures.Add($"{what}: {status} {response.Content.Headers.ContentType} {Start(body)}");
        }
    }

    /// <summary>The endpoint's parameters with harmless values (a client nobody registered), and one of them set to <paramref name="value"/>.</summary>
    private List<KeyValuePair<string, string>> Fields(ProtocolEndpoint endpoint, string parameter, string value) =>
        endpoint.Parameters.Select(p => new KeyValuePair<string, string>(p, p == parameter ? value : p switch
        {
            "client_id" => (_unknownClient++).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "grant_type" => "client_credentials",
            "response_type" => "code",
            _ => "value",
        })).ToList();

    private static HttpRequestMessage Post(string url, string? contentType, byte[] body)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }

    private static HttpRequestMessage Authorized(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Percent-encodes every byte of the UTF-8 text except unreserved characters (an unpaired surrogate becomes U+FFFD).</summary>
    private static string Encode(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => Escape(f.Key) + "=" + Escape(f.Value)));

    private static string Escape(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text).Select(b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
            ? ((char)b).ToString()
            : $"%{b:X2}"));

    private static byte[] Multipart(params (string Name, string Value)[] fields) =>
        Utf8(string.Concat(fields.Select(f => $"--b\r\nContent-Disposition: form-data; name=\"{f.Name}\"\r\n\r\n{f.Value}\r\n")) + "--b--\r\n");

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static bool HasErrorMember(string body) => HasMember(body, "error");

    private static bool HasMember(string body, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(string text) =>
        text.Length > 20 ? $"({text.Length} characters)" : string.Concat(text.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string Start(string body) => body.Length > 160 ? body[..160] : body;

    private enum Answer
    {
        /// <summary>A JSON object with <c>error</c> (RFC 6749 5.2).</summary>
        Json,

        /// <summary>JSON, or a <c>WWW-Authenticate: Bearer</c> challenge and no body (RFC 6750 3).</summary>
        Bearer,

        /// <summary>An error page a browser shows: OpenIddict's plain text or the app's own page.</summary>
        Browser,
    }

    private sealed record ProtocolEndpoint(string Path, Answer Answer, IReadOnlyList<string> Parameters);
}
