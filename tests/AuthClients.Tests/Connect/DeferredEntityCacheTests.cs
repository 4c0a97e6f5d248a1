using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data.Entities;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.Connect;

/// <summary>
/// OpenIddict's per-request entity caches are built when a request first asks one
/// (<see cref="DeferredEntityCache{TCache}"/>): a client-credentials request builds none, and a
/// request that asks one gets OpenIddict's cache for the rest of the request.
/// </summary>
public sealed class DeferredEntityCacheTests
{
    [Fact]
    public async Task ClientCredentialsTokens_OnACacheMissAndAHit_BuildNoneOfOpenIddictsEntityCaches_WhileARefreshBuildsWhatItAsks()
    {
        var built = new List<string>();
        await using var app = new AuthClientsAppFactory { TestServices = services => services.AddTransient<IStartupFilter>(_ => new BuiltCaches(built)) };
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync(scopes: ["auth_clients.read"]);

        Assert.NotEmpty(await http.RequestClientCredentialsTokenAsync(client, "auth_clients.read")); // a miss of the app's client cache
        Assert.NotEmpty(await http.RequestClientCredentialsTokenAsync(client, "auth_clients.read")); // a hit
        Assert.Equal(["none", "none"], TokenRequests(built));

        // The same watch sees a request's caches once they are asked: a refresh finds its token
        // through the token manager, which asks its cache first.
        var userClient = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), userClient);
        var tokens = await driver.RedeemAsync(http, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        built.Clear();
        var renewed = await http.RequestRefreshAsync(userClient, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);

        var refresh = Assert.Single(TokenRequests(built));
        Assert.Contains("tokens", refresh, StringComparison.Ordinal);
    }

    private static List<string> TokenRequests(List<string> built)
    {
        lock (built)
        {
            return built.Where(b => b.StartsWith("POST /connect/token: ", StringComparison.Ordinal)).Select(b => b["POST /connect/token: ".Length..]).ToList();
        }
    }

    [Fact]
    public async Task AManagerThatAsksItsCache_GetsOpenIddictsCache_ForTheRestOfTheRequest()
    {
        await using var app = new AuthClientsAppFactory();
        await app.WithServicesAsync(async services =>
        {
            var scopes = services.GetRequiredService<IOpenIddictScopeManager>();
            await scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = "deferred.cache" });
        });

        await app.WithServicesAsync(async services =>
        {
            var cache = (DeferredScopeCache<AuthClientScope>)services.GetRequiredService<IOpenIddictScopeCache<AuthClientScope>>();
            var scopes = services.GetRequiredService<IOpenIddictScopeManager>();
            Assert.False(cache.IsBuilt);

            var first = await scopes.FindByNameAsync("deferred.cache");
            var second = await scopes.FindByNameAsync("deferred.cache");

            Assert.True(cache.IsBuilt);
            Assert.Equal("deferred.cache", await scopes.GetNameAsync(first!));
            Assert.Equal(await scopes.GetIdAsync(first!), await scopes.GetIdAsync(second!));
            Assert.Null(await scopes.FindByNameAsync("no.such.scope"));
        });
    }

    /// <summary>Around the whole pipeline: after each request, which of the request's entity caches were built.</summary>
    private sealed class BuiltCaches(List<string> built) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate rest) =>
            {
                await rest(context);
                var services = context.RequestServices;
                var names = new[]
                {
                    ("applications", ((DeferredApplicationCache<AuthClientApplication>)services.GetRequiredService<IOpenIddictApplicationCache<AuthClientApplication>>()).IsBuilt),
                    ("authorizations", ((DeferredAuthorizationCache<AuthClientAuthorization>)services.GetRequiredService<IOpenIddictAuthorizationCache<AuthClientAuthorization>>()).IsBuilt),
                    ("scopes", ((DeferredScopeCache<AuthClientScope>)services.GetRequiredService<IOpenIddictScopeCache<AuthClientScope>>()).IsBuilt),
                    ("tokens", ((DeferredTokenCache<AuthClientToken>)services.GetRequiredService<IOpenIddictTokenCache<AuthClientToken>>()).IsBuilt),
                }.Where(c => c.Item2).Select(c => c.Item1).ToList();
                lock (built)
                {
                    built.Add($"{context.Request.Method} {context.Request.Path}: {(names.Count == 0 ? "none" : string.Join(", ", names))}");
                }
            });
            next(app);
        };
    }
}
