using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// Redirect and post-logout redirect URIs, through the page and the API: whatever is not a clean
/// absolute URI is refused with a message and stores nothing; what is accepted is stored, shown
/// and compared in one canonical form.
/// </summary>
public sealed class RedirectUriTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Route = "/api/1.0/auth-clients";
    private readonly HttpClient _http = app.CreateClient();

    /// <summary>
    /// Every character a URI must not carry as typed (whitespace, controls, Unicode look-alikes,
    /// backslashes), at every place in a URI, plus shapes that parse into another host.
    /// </summary>
    public static TheoryData<string> MalformedUris()
    {
        string[] bad =
        [
            "\t", "\r", "\n", "\r\n", " ", "\0", "\u0001", "\u001f", "\u007f", "\u0085", "\u00a0", "\u2028", "\u200b", "\ufeff",
            "\u3000", "\\", "\u00e9", "\u0430", "\uff0f", "\ud83d\ude00",
        ];
        string[] templates =
        [
            "https://app.example.com/cb{0}", "https://app.example.com/{0}cb", "https://app{0}.example.com/cb", "https://app.example.com{0}/cb",
            "https://app.example.com/cb?x={0}", "{0}https://app.example.com/cb", "https{0}://app.example.com/cb", "https:/{0}/app.example.com/cb",
            "https://app.example.com:443{0}/cb",
        ];
        var data = new TheoryData<string>();
        foreach (var template in templates)
        {
            foreach (var character in bad)
            {
                var uri = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, character);
                // Surrounding spaces of a line in the text area are trimmed, and a line break makes two lines: not this test's subject.
                if (uri.Trim() == uri && !uri.Contains('\n', StringComparison.Ordinal))
                {
                    data.Add(uri);
                }
            }
        }

        foreach (var uri in new[]
                 {
                     "https:/\\evil.example/cb", "https:\\\\evil.example/cb", "https:evil.example/cb", "https:/evil.example/cb", "https:///evil.example/cb",
                     "https://bücher.example/cb", "https://app.example.com@evil.example/cb", "https://:443/cb", "http://127.0.0.1.evil.example/cb",
                     "http://localhost@evil.example/cb", "data:text/html,hi", "file:///etc/passwd", "https://app.example.com/cb#x",
                     "HTTPS://app.example.com/cb#", "https://app.example.com/*/cb",
                     // Found by review: empty user info, encoded controls, bad escapes, characters a URL may not hold,
                     // host names a CSP cannot name, IPv6 literals (CSP has no syntax for them) and zone ids.
                     "https://@evil.example/cb", "https://:@evil.example/cb", "https://app.example.com/cb%00", "https://app.example.com/cb%0d%0aX-H:1",
                     "https://app.example.com/cb%7F", "https://app.example.com/cb%", "https://app.example.com/%zz", "https://app.example.com/%4",
                     "https://app.example.com/\"", "https://app.example.com/<x>", "https://app.example.com/{x}", "https://app.example.com/a|b",
                     "https://app.example.com/a^b", "https://app.example.com/a`b", "https://-a.example/cb", "https://a-.example/cb", "https://a_b.example/cb",
                     "https://a..example/cb", "http://[::1]:7002/cb", "https://[2001:db8::1]/cb", "http://[fe80::1%25eth0]/cb", "https://app.example.com/a[0]",
                 })
        {
            data.Add(uri);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedUris))]
    public async Task Api_RefusesMalformedRedirectAndPostLogoutUris_AndStoresNothing(string uri)
    {
        var token = await WriterTokenAsync();
        var name = $"malformed-{Guid.NewGuid():N}";

        var asRedirect = await SendAsync(HttpMethod.Post, Route, token, new { name, grant_types = new[] { "authorization_code" }, redirect_uris = new[] { uri } });
        var asPostLogout = await SendAsync(HttpMethod.Post, Route, token, new
        {
            name,
            grant_types = new[] { "authorization_code" },
            redirect_uris = new[] { "https://app.example.com/cb" },
            post_logout_redirect_uris = new[] { uri },
        });

        await AssertRefusedAsync(asRedirect, "redirect_uris");
        await AssertRefusedAsync(asPostLogout, "post_logout_redirect_uris");
        var search = await SendAsync(HttpMethod.Get, $"{Route}?search={name}", token);
        using var found = JsonDocument.Parse(await search.Content.ReadAsStringAsync());
        Assert.Equal(0, found.RootElement.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("https://app.example.com/c\u00a0b")]
    [InlineData("https://app.example.com/c\tb")]
    [InlineData("https:/\\evil.example/cb")]
    [InlineData("https://bücher.example/cb")]
    [InlineData("https://app.example.com/cb\u200b")]
    public async Task Page_RefusesMalformedUris_NextToTheirField_AndKeepsWhatWasTyped(string uri)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"malformed-page-{Guid.NewGuid():N}";

        var response = await browser.CreateAsync([
            .. AuthClientPages.Form(name, authorizationCode: true, clientCredentials: false, redirectUris: "https://app.example.com/cb"),
            new("Form.PostLogoutRedirectUris", uri)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadDocumentAsync();
        Assert.StartsWith("The Post-logout Redirect URL must", page.ErrorNextTo("Form.PostLogoutRedirectUris"), StringComparison.Ordinal);
        Assert.Equal(uri, page.FieldValue("Form.PostLogoutRedirectUris"));
        Assert.Empty((await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows());
    }

    [Fact]
    public async Task AcceptedUris_AreStoredShownAndComparedInCanonicalForm()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"canonical-{Guid.NewGuid():N}";
        const string typed = "HTTPS://App.Example.COM:443/a/../callback";
        const string canonical = "https://app.example.com/callback";

        var id = await CreateWithUrisAsync(browser, name, typed, "HTTPS://App.Example.COM/Signed-Out");

        var edit = await browser.GetDocumentAsync(AuthClientPages.EditPage(id));
        Assert.Equal(canonical, edit.FieldValue("Form.RedirectUris"));
        Assert.Equal("https://app.example.com/Signed-Out", edit.FieldValue("Form.PostLogoutRedirectUris"));
        Assert.Contains(canonical, (await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows().Single().Redirect, StringComparison.Ordinal);

        var clientId = (await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows().Single().ClientId;
        Assert.Equal(HttpStatusCode.Redirect, (await AuthorizeAsync(clientId, canonical)).StatusCode);
        var asTyped = await AuthorizeAsync(clientId, typed);
        Assert.Equal(HttpStatusCode.BadRequest, asTyped.StatusCode);
        Assert.Null(asTyped.Headers.Location);
    }

    [Fact]
    public async Task Api_NullUriEntries_AreRefusedWithAMessage_NotA500()
    {
        var token = await WriterTokenAsync();

        var response = await SendAsync(HttpMethod.Post, Route, token, new
        {
            name = $"null-uri-{Guid.NewGuid():N}",
            grant_types = new[] { "authorization_code" },
            redirect_uris = new string?[] { null },
            post_logout_redirect_uris = new string?[] { null },
        });

        await AssertRefusedAsync(response, "redirect_uris");
    }

    [Theory]
    [InlineData("https://app.example.com/cb?x=%2f", "https://app.example.com/cb?x=%2F")]
    [InlineData("https://app.example.com/%c3%bc/cb", "https://app.example.com/%C3%BC/cb")]
    [InlineData("https://app.example.com/%ff/cb", "https://app.example.com/%FF/cb")]
    public async Task PercentEscapes_AreStoredInUpperCase_SoOneUriHasOneForm(string typed, string stored)
    {
        var token = await WriterTokenAsync();

        var created = await SendAsync(HttpMethod.Post, Route, token, new
        {
            name = $"escapes-{Guid.NewGuid():N}",
            grant_types = new[] { "authorization_code" },
            redirect_uris = new[] { typed, stored },
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal([stored], body.RootElement.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("Public")]
    [InlineData("PUBLIC")]
    [InlineData("private")]
    [InlineData("")]
    public async Task Api_UnknownClientType_IsRefused_NotTakenAsConfidential(string clientType)
    {
        var token = await WriterTokenAsync();

        var response = await SendAsync(HttpMethod.Post, Route, token, new
        {
            name = $"type-{Guid.NewGuid():N}",
            grant_types = new[] { "authorization_code" },
            redirect_uris = new[] { "https://app.example.com/cb" },
            client_type = clientType,
        });

        await AssertRefusedAsync(response, "client_type");
    }

    [Fact]
    public async Task Api_CreatesAndReturnsPostLogoutRedirectUris_Canonical()
    {
        var token = await WriterTokenAsync();

        var created = await SendAsync(HttpMethod.Post, Route, token, new
        {
            name = $"api-logout-{Guid.NewGuid():N}",
            grant_types = new[] { "authorization_code" },
            redirect_uris = new[] { "https://app.example.com/cb" },
            post_logout_redirect_uris = new[] { "https://APP.example.com:443/bye" },
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal(["https://app.example.com/bye"], body.RootElement.GetProperty("post_logout_redirect_uris").EnumerateArray().Select(e => e.GetString()));
        var clientId = body.RootElement.GetProperty("client_id").GetString();
        using var fetched = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, $"{Route}/{clientId}", token)).Content.ReadAsStringAsync());
        Assert.Equal(["https://app.example.com/bye"], fetched.RootElement.GetProperty("post_logout_redirect_uris").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Logout_WithRegisteredAddress_AsksThenReturnsThereWithState_AndAnUnregisteredOneGetsNoRedirect()
    {
        var browser = await app.SignedInAsAdminAsync();
        await CreateWithUrisAsync(browser, $"logout-{Guid.NewGuid():N}", "https://app.example.com/cb", "https://app.example.com/signed-out");
        const string logout = "/connect/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example.com%2Fsigned-out&state=xyz";

        var confirm = await browser.GetAsync(logout);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var csp = string.Join(";", confirm.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("form-action 'self' https://app.example.com;", csp, StringComparison.Ordinal);

        var signedOut = await browser.PostFormAsync(logout, "/connect/logout", [
            new("post_logout_redirect_uri", "https://app.example.com/signed-out"), new("state", "xyz"), new("submit.SignOut", "Sign out")]);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("https://app.example.com/signed-out?state=xyz", signedOut.Headers.Location!.AbsoluteUri);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(AuthClientPages.List)).StatusCode); // signed out

        var unregistered = await app.CreateBrowser().GetAsync("/connect/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2Fsigned-out&state=xyz");
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Null(unregistered.Headers.Location);
        Assert.DoesNotContain("evil.example", string.Join(";", unregistered.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    private static async Task<string> CreateWithUrisAsync(HttpClient browser, string name, string redirect, string postLogout)
    {
        var response = await browser.CreateAsync([
            .. AuthClientPages.Form(name, authorizationCode: true, clientCredentials: false, redirectUris: redirect),
            new("Form.PostLogoutRedirectUris", postLogout)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await browser.FindIdAsync(name);
    }

    private Task<HttpResponseMessage> AuthorizeAsync(string clientId, string redirectUri) =>
        app.CreateBrowser().GetAsync(QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid",
            ["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ["code_challenge_method"] = "S256",
        }));

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // The field's own rules ("redirect_uris"), or the JSON reader's refusal of its value ("$.redirect_uris[0]": a NUL).
        var messages = problem.RootElement.GetProperty("errors").EnumerateObject()
            .Where(e => e.Name == field || e.Name.StartsWith($"$.{field}[", StringComparison.Ordinal))
            .SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString()))
            .ToList();
        Assert.True(messages.Count > 0, await response.Content.ReadAsStringAsync());
    }

    private Task<string> WriterTokenAsync() => app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token, object? body = null) =>
        _http.SendBearerAsync(method, url, token, body);
}
