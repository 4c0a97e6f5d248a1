using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AuthClients.Tests.Database;

/// <summary>
/// The database restarted under running apps (docs/operations.md, "Database restarts and outages"),
/// on a PostgreSQL server of the test's own (<see cref="OwnPostgresServer"/>), stopped the way a
/// crash stops it and started again on the same data. Runs in both passes of the suite.
/// </summary>
public sealed class DatabaseOutageTests
{
    private const string OutageBegan = "The database cannot be reached";
    private const string OutageEnded = "The database can be reached again";
    private const string TransientRetry = "A transient exception occurred during execution";

    [Fact]
    public async Task PostgreSqlRestart_EachEndpointAnswers503InItsFormat_KnownClientsGetTokens_AndNothingFailsAfterwards()
    {
        await using var server = await OwnPostgresServer.StartAsync();
        var database = TestDatabase.CreatePostgreSql(server.ConnectionString);
        // The app's clock moves only when the test moves it: past the client cache's lifetime, below
        // the outage's windows (ServeDuringOutage, AuthClientCache.RememberedFor).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new AuthClientsAppFactory { Database = database, TestServices = services => services.AddSingleton<TimeProvider>(clock) };

        // A second instance that reads every client from the database (no client cache): after the
        // restart each of its pooled connections is dead, and it was idle through the outage.
        await using var idle = new AuthClientsAppFactory { Database = database, Settings = { ["OAuthServer:Performance:ClientCacheLifetime"] = "00:00:00" } };

        // A third that does not serve tokens during an outage at all.
        await using var strict = new AuthClientsAppFactory { Database = database, Settings = { ["OAuthServer:Resilience:ServeDuringOutage"] = "00:00:00" } };

        var known = await app.RegisterClientAsync(scopes: [OAuthScopes.AuthClientsRead]);
        var neverRead = await idle.RegisterClientAsync();
        var codeClient = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var email = await app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey]);
        var http = app.CreateClient();
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), codeClient);
        var refreshToken = (await driver.RedeemAsync(http, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword))).RefreshToken;
        var browser = await app.SignedInAsync(email);
        var apiToken = await TokenAsync(http, known, OAuthScopes.AuthClientsRead);
        var idleHttp = idle.CreateClient();
        await TokenAsync(idleHttp, known);
        var strictHttp = strict.CreateClient();
        await TokenAsync(strictHttp, known);

        await server.StopAsync();
        clock.Advance(TimeSpan.FromSeconds(3)); // every cached client expired: each request asks the database

        // During the outage: the client read a moment ago still gets tokens (a wrong secret for it is
        // still a wrong secret); everything else says 503.
        for (var i = 0; i < 3; i++)
        {
            await TokenAsync(http, known);
        }

        var guess = await http.RequestClientTokenAsync(known with { Secret = "a-wrong-guess" });
        Assert.Equal(HttpStatusCode.Unauthorized, guess.HttpStatusCode);
        Assert.Equal("invalid_client", guess.ErrorCode());
        await AssertProtocolUnavailableAsync(await http.RequestClientTokenAsync(neverRead));
        await AssertProtocolUnavailableAsync(await RefreshAsync(http, codeClient, refreshToken!));
        await AssertProtocolUnavailableAsync(await idleHttp.RequestClientTokenAsync(known));
        await AssertProtocolUnavailableAsync(await strictHttp.RequestClientTokenAsync(known));
        AssertProblemUnavailable(await http.GetMeAsync(apiToken));
        await AssertPageUnavailableAsync(await browser.GetAsync(Routes.AuthClients));
        Assert.True(!app.LoggedErrors.Any(), string.Join("\n", app.LoggedErrors));
        Assert.Single(app.LogEntries, e => e.Level == LogLevel.Warning && e.Message.StartsWith(OutageBegan, StringComparison.Ordinal));
        for (var probe = 0; probe < 3; probe++)
        {
            // A load balancer's probes (of the third instance, whose log is not read for errors below:
            // the health service's own line per unhealthy probe is filtered out of the app's logs by
            // HealthHosting, not out of the test's capture): each says not ready, none logs a stack trace.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await strictHttp.GetAsync(HealthHosting.ReadyPath)).StatusCode);
        }

        Assert.DoesNotContain(strict.LogEntries, e => e.Category.Contains("HealthChecks", StringComparison.Ordinal) && e.Exception is not null);

        await server.StartAgainAsync();

        // After it: not one request fails, on either instance, whatever it asks of the database.
        for (var i = 0; i < 10; i++)
        {
            await TokenAsync(idleHttp, known);
            await TokenAsync(http, neverRead);
        }

        var refreshed = await RefreshAsync(http, codeClient, refreshToken!);
        Assert.False(refreshed.IsError, refreshed.Raw);
        Assert.Equal(HttpStatusCode.OK, (await http.GetMeAsync(apiToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Routes.AuthClients)).StatusCode);
        await app.RegisterClientAsync(); // a write in the app's own transaction
        Assert.True(!app.LoggedErrors.Any(), string.Join("\n", app.LoggedErrors));
        Assert.True(!idle.LoggedErrors.Any(), string.Join("\n", idle.LoggedErrors));
        Assert.Contains(app.LogEntries, e => e.Message.StartsWith(OutageEnded, StringComparison.Ordinal));

        // The idle instance did meet its dead pooled connections, and the retry hid them.
        Assert.Contains(idle.LogEntries, e => e.Message.StartsWith(TransientRetry, StringComparison.Ordinal));
    }

    private static async Task<string> TokenAsync(HttpClient http, RegisteredClient client, string? scope = null)
    {
        var response = await http.RequestClientTokenAsync(client, scope);
        Assert.False(response.IsError, $"{response.HttpStatusCode}: {response.Raw}");
        return response.AccessToken!;
    }

    private static Task<TokenResponse> RefreshAsync(HttpClient http, RegisteredClient client, string refreshToken) =>
        http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = Routes.Token,
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            RefreshToken = refreshToken,
        });

    private static Task AssertProtocolUnavailableAsync(ProtocolResponse response)
    {
        Assert.True(response.HttpStatusCode == HttpStatusCode.ServiceUnavailable, response.Raw);
        Assert.Equal("temporarily_unavailable", response.ErrorCode());
        Assert.Equal("application/json", response.HttpResponse!.Content.Headers.ContentType?.MediaType);
        AssertRetryAfter(response.HttpResponse);
        return Task.CompletedTask;
    }

    private static void AssertProblemUnavailable(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(response.Content.ReadAsStream());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(DatabaseOutageAnswers.ProblemTitle, problem.RootElement.GetProperty("title").GetString());
        AssertRetryAfter(response);
    }

    private static async Task AssertPageUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("The service is briefly unavailable", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", page, StringComparison.Ordinal);
        AssertRetryAfter(response);
    }

    private static void AssertRetryAfter(HttpResponseMessage response) =>
        Assert.Equal(TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
}
