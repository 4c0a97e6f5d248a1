using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuthClients.Tests.Security;

/// <summary>Response headers and cookie attributes that protect every page.</summary>
public sealed partial class SecurityHeadersTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    public enum Visitor { Anonymous, Admin, WithoutPermission }

    /// <summary>Pages as different visitors see them, including the 403 and 404 pages. "{id}" is an existing client.</summary>
    public static TheoryData<string, Visitor, HttpStatusCode> Pages => new()
    {
        { Routes.SignIn, Visitor.Anonymous, HttpStatusCode.OK },
        { AuthClientPages.List, Visitor.Admin, HttpStatusCode.OK },
        { AuthClientPages.CreatePage, Visitor.Admin, HttpStatusCode.OK },
        { AuthClientPages.List + "/{id}/edit", Visitor.Admin, HttpStatusCode.OK },
        { Routes.Users, Visitor.Admin, HttpStatusCode.OK },
        { AuthClientPages.List, Visitor.WithoutPermission, HttpStatusCode.Forbidden },
        { "/no-such-page", Visitor.Admin, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_SendsSecurityHeaders(string path, Visitor visitor, HttpStatusCode expectedStatus)
    {
        var (browser, url) = await VisitAsync(path, visitor);

        var response = await browser.GetAsync(url);

        Assert.Equal(expectedStatus, response.StatusCode);
        var csp = ContentSecurityPolicy(response);
        var scriptSources = csp.GetValueOrDefault("script-src") ?? csp["default-src"];
        Assert.DoesNotContain("'unsafe-inline'", scriptSources);
        Assert.DoesNotContain("'unsafe-eval'", scriptSources);
        Assert.DoesNotContain("*", scriptSources);
        Assert.Equal(["'none'"], csp["frame-ancestors"]);
        Assert.Equal(["'none'"], csp["object-src"]);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_HasNoInlineScriptHandlerOrStyleTheCspWouldBlock(string path, Visitor visitor, HttpStatusCode expectedStatus)
    {
        var (browser, url) = await VisitAsync(path, visitor);

        var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(expectedStatus, response.StatusCode);
        Assert.Contains("<script", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
        Assert.DoesNotMatch(StyleAttribute(), html);
    }

    [Fact]
    public async Task Cookies_AreHttpOnlyAndSameSite()
    {
        var browser = app.CreateBrowser();
        var cookies = new List<string>();

        cookies.AddRange(HttpAssert.SetCookies(await browser.GetAsync(Routes.SignIn)));
        cookies.AddRange(HttpAssert.SetCookies(await browser.SignInAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword)));
        cookies.AddRange(HttpAssert.SetCookies(await browser.CreateAsync(AuthClientPages.Form($"Cookie check {Guid.NewGuid():N}"))));

        // The anti-forgery cookie, the session cookie and the status message's TempData cookie.
        Assert.Contains(cookies, c => c.StartsWith("AuthClients.Antiforgery=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("AuthClients.Session=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider=", StringComparison.Ordinal));
        Assert.All(cookies, cookie =>
        {
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Matches("; samesite=(lax|strict)", cookie.ToLowerInvariant());
        });
    }

    [Fact]
    public async Task OverHttps_CookiesAreSecureAndHstsIsSent()
    {
        // Not a loopback name: browsers ignore HSTS for localhost, so ASP.NET Core does not send it there.
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://authclients.example"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        });

        var page = await browser.GetAsync(Routes.SignIn);
        var signIn = await browser.SignInAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);

        Assert.Matches(@"max-age=\d{6,}", Header(page, "Strict-Transport-Security"));
        var cookies = HttpAssert.SetCookies(page).Concat(HttpAssert.SetCookies(signIn)).ToList();
        Assert.Contains(cookies, c => c.StartsWith("AuthClients.Session=", StringComparison.Ordinal));
        Assert.All(cookies, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<(HttpClient Browser, string Url)> VisitAsync(string path, Visitor visitor)
    {
        var browser = visitor switch
        {
            Visitor.Admin => await app.SignedInAsAdminAsync(),
            Visitor.WithoutPermission => await app.SignedInAsync(await app.CreateUserAsync(permissions: [Permissions.Users.ViewKey])),
            _ => app.CreateBrowser(),
        };

        var url = path.Contains("{id}", StringComparison.Ordinal)
            ? path.Replace("{id}", (await app.CreateStoredClientAsync()).Id, StringComparison.Ordinal)
            : path;
        return (browser, url);
    }

    private static string Header(HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues(name, out var values), $"No {name} header.");
        return Assert.Single(values);
    }

    /// <summary>Directive name to its sources.</summary>
    private static Dictionary<string, string[]> ContentSecurityPolicy(HttpResponseMessage response) =>
        Header(response, "Content-Security-Policy")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0].ToLowerInvariant(), d => d[1..]);

    [GeneratedRegex(@"<script\b(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"<[^>]+\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();
}
