using System.Net;
using AuthClients.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthClients.Tests.Security;

/// <summary>
/// An error the user cannot cause gets a generic page and a log entry, never a stack trace, in
/// every environment. The app has no route that fails on purpose, so the test adds one.
/// </summary>
public sealed class ErrorPageTests
{
    private const string ThrowPath = "/test-only/throw";
    private const string ApiThrowPath = "/api/test-only/throw";
    private const string Canary = "Canary failure 5f3b9 from a test endpoint";

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    [InlineData("Testing")]
    public async Task UnhandledException_ShowsTheGenericErrorPageAndLogsIt(string environment)
    {
        using var app = new AuthClientsAppFactory
        {
            EnvironmentName = environment,
            TestServices = AddThrowingEndpoint,
            Settings = { ["OAuthServer:Issuer"] = "http://localhost/" }, // required in Production
        };
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.GetAsync(ThrowPath);

        await AssertGenericErrorPageAsync(response);
        Assert.Contains(app.LogEntries, e => e.Level >= LogLevel.Error && e.Exception?.Message == Canary);
    }

    [Fact]
    public async Task UnhandledException_OnPostWithoutAntiforgeryToken_StillShowsTheGenericErrorPage()
    {
        // Protocol endpoints (/connect/token) take posts without a form token; if one fails, the
        // error page is re-executed as a POST and must not be refused for the missing token.
        using var app = new AuthClientsAppFactory
        {
            EnvironmentName = "Production",
            TestServices = AddThrowingEndpoint,
            Settings = { ["OAuthServer:Issuer"] = "http://localhost/" },
        };
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.PostAsync(ThrowPath, new FormUrlEncodedContent([new("field", "value")]));

        await AssertGenericErrorPageAsync(response);
    }

    [Fact]
    public async Task UnhandledException_OnTheApi_IsProblemDetails_EvenWhenHtmlIsAccepted()
    {
        using var app = new AuthClientsAppFactory
        {
            EnvironmentName = "Production",
            TestServices = AddThrowingEndpoint,
            Settings =
            {
                ["OAuthServer:Issuer"] = "http://localhost/", // required in Production
                ["OAuthServer:RequireHttps"] = "false", // the test server speaks http
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiThrowPath);
        request.Headers.Authorization = new("Bearer", await app.ClientAccessTokenAsync());
        request.Headers.Accept.ParseAdd("text/html");

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":500", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, body, StringComparison.Ordinal);
        HttpAssert.NoInternals(body);
        Assert.Contains(app.LogEntries, e => e.Level >= LogLevel.Error && e.Exception?.Message == Canary);
    }

    private static async Task AssertGenericErrorPageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains("Reference:", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, html, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), html, StringComparison.Ordinal);
        HttpAssert.NoInternals(html);
    }

    private static void AddThrowingEndpoint(IServiceCollection services) =>
        services.AddTransient<IStartupFilter, ThrowingEndpoint>();

    /// <summary>
    /// Added after the app's own pipeline (so inside its exception handler): a path no app
    /// endpoint matches, which fails as a bug in a page would.
    /// </summary>
    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) =>
                context.Request.Path == ThrowPath || context.Request.Path == ApiThrowPath ? throw new InvalidOperationException(Canary) : rest(context));
        };
    }
}
