using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>
/// A web application that signs its users in through AuthClients the way real ones do: ASP.NET
/// Core's cookie and OpenID Connect handlers (code flow, PKCE, discovery from the server). It runs
/// on its own loopback port under the name <c>localhost</c>, while AuthClients runs on
/// <c>127.0.0.1</c>: another origin and another site, so the browser applies its cross-site rules
/// (CSP form-action, SameSite cookies) as it would between two real hosts.
/// </summary>
public sealed class RelyingParty : IAsyncDisposable
{
    public const string SignInPath = "/login";
    public const string ApiPath = "/call-api";
    public const string SignOutPath = "/logout";
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    private readonly WebApplication _app;
    private readonly ClientRegistration _client;

    private RelyingParty(WebApplication app, ClientRegistration client, string baseUrl)
    {
        _app = app;
        _client = client;
        BaseUrl = baseUrl;
    }

    /// <summary>Such as <c>http://localhost:40123</c>.</summary>
    public string BaseUrl { get; }

    public string RedirectUri => BaseUrl + CallbackPath;

    public string PostLogoutRedirectUri => BaseUrl + SignedOutCallbackPath;

    /// <summary>Where the relying party's pages are; they show who is signed in, or what went wrong.</summary>
    public string Home => BaseUrl + "/";

    /// <summary>
    /// The client registered for this relying party. Its redirect URIs name the port, known only
    /// once the relying party runs; the handler reads these on its first request.
    /// </summary>
    public void UseClient(string clientId, string? clientSecret)
    {
        _client.Id = clientId;
        _client.Secret = clientSecret;
    }

    /// <param name="authority">AuthClients' base URL: discovery is read from it.</param>
    /// <param name="responseMode"><c>form_post</c> (the handler's default) or <c>query</c>.</param>
    /// <param name="authenticationMethod">How the handler sends the authorization request: a redirect (GET) or an auto-posted form (POST).</param>
    public static async Task<RelyingParty> StartAsync(
        string authority,
        string responseMode = OpenIdConnectResponseMode.FormPost,
        OpenIdConnectRedirectBehavior authenticationMethod = OpenIdConnectRedirectBehavior.RedirectGet)
    {
        var client = new ClientRegistration();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // No settings files to watch: a test machine's inotify instances are few.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            EnvironmentName = "Testing",
            ApplicationName = typeof(RelyingParty).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options => options.Cookie.Name = "RelyingParty.Session")
            .AddOpenIdConnect(options =>
            {
                options.Authority = authority;
                options.RequireHttpsMetadata = false;
                options.ResponseType = OpenIdConnectResponseType.Code;
                options.ResponseMode = responseMode;
                options.AuthenticationMethod = authenticationMethod;
                options.UsePkce = true;
                options.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" })
                {
                    options.Scope.Add(scope);
                }

                options.SaveTokens = true;
                options.GetClaimsFromUserInfoEndpoint = true;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = "name";
                options.SignedOutRedirectUri = "/signed-out";
                options.Events.OnRemoteFailure = context =>
                {
                    // The user said no, or the server refused: show it on the relying party's page.
                    var error = context.Failure?.Data["error"] as string ?? context.Failure?.Message ?? "unknown";
                    context.Response.Redirect("/failed?error=" + Uri.EscapeDataString(error));
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure(options =>
        {
            options.ClientId = client.Id;
            options.ClientSecret = client.Secret;
        });
        builder.Services.AddHttpClient();

        var app = builder.Build();
        app.UseAuthentication();
        MapPages(app, authority);
        await app.StartAsync();

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return new RelyingParty(app, client, $"http://localhost:{address.Port}");
    }

    private static void MapPages(WebApplication app, string authority)
    {
        app.MapGet("/", (HttpContext context) => Page(context.User.Identity?.IsAuthenticated == true
            ? $"<h1>Signed in as {Encode(context.User.Identity.Name)}</h1><p id=\"email\">{Encode(context.User.FindFirstValue("email"))}</p>"
            : "<h1>Not signed in</h1>"));
        app.MapGet(SignInPath, () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }));
        app.MapGet(ApiPath, async (HttpContext context, IHttpClientFactory http) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                return Results.Challenge(new AuthenticationProperties { RedirectUri = ApiPath });
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, authority + "/api/1.0/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await context.GetTokenAsync("access_token"));
            using var response = await http.CreateClient().SendAsync(request);
            return Page($"<h1>API answered {(int)response.StatusCode}</h1><pre id=\"api\">{Encode(await response.Content.ReadAsStringAsync())}</pre>");
        });
        app.MapGet(SignOutPath, () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet("/signed-out", () => Page("<h1>Signed out of the relying party</h1>"));
        app.MapGet("/failed", (string? error) => Page($"<h1>Sign-in failed</h1><p id=\"error\">{Encode(error)}</p>"));
        app.MapGet("/favicon.ico", () => Results.NoContent());
    }

    private static IResult Page(string body) =>
        Results.Content($"<!DOCTYPE html><html lang=\"en\"><head><title>Relying party</title></head><body>{body}</body></html>", "text/html; charset=utf-8");

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    private sealed class ClientRegistration
    {
        public string? Id { get; set; }

        public string? Secret { get; set; }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
