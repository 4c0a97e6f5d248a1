using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuthClients.Tests.ScaleOut;

/// <summary>
/// Two real app processes, A and B, on different ports over one PostgreSQL database, as behind a
/// load balancer: whatever one instance does, the other sees. Needs <c>AUTHCLIENTS_TEST_POSTGRES</c>
/// (build/test.sh starts a throwaway server and sets it); without it the test fails and says so.
/// </summary>
public sealed partial class TwoInstancesTests
{
    private const string SessionCookie = "AuthClients.Session";

    /// <summary>How long a change made through one instance may take to apply on the other (documented in docs/operations.md).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TwoInstances_OnOneDatabase_ShareClientsSecretsTokensSessionsAndPermissions()
    {
        using var database = TestDatabase.CreatePostgreSql();
        var settings = Settings(database);

        // Both start at once on the empty database: one migrates and seeds, the other waits for it.
        var starting = new[] { AppProcess.StartAsync(settings), AppProcess.StartAsync(settings) };
        await using var a = await starting[0];
        await using var b = await starting[1];
        await Task.WhenAll(a.WaitUntilReadyAsync(), b.WaitUntilReadyAsync());

        // A client created on A, through the form, is listed on B.
        using var adminOnA = Browser(a);
        // By hand: instance A is a real process (AppProcess), not a factory SignedInAsAdminAsync can open a browser on.
        await adminOnA.Http.SignInAsAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        var name = $"scale-out-{Guid.NewGuid():N}";
        var id = await adminOnA.Http.CreateClientAsync(name);

        // The session cookie from A signs the administrator in on B.
        using var adminOnB = Browser(b, SessionFrom(adminOnA, a));
        var listOnB = await adminOnB.Http.GetAsync(new Uri($"{AuthClientPages.List}?search={name}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, listOnB.StatusCode);
        var clientId = ClientIdInRow(await listOnB.Content.ReadAsStringAsync(), name);

        // Its secret, copied on B, works at A's token endpoint; the token from A is accepted by B's API.
        var secret = await adminOnB.Http.CopySecretAsync(id);
        using var apiClient = new HttpClient();
        var token = await apiClient.RequestClientCredentialsTokenAsync(TokenRequest(a, clientId, secret));
        Assert.False(token.IsError, $"A refused the secret copied on B: {token.Error} {token.Raw}");
        var me = await CallMeAsync(apiClient, b, token.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using (var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync()))
        {
            Assert.Equal(clientId, body.RootElement.GetProperty("client_id").GetString());
        }

        // Deleting the client on B makes A refuse its token and its secret.
        var deleted = await adminOnB.Http.PostFormAsync(AuthClientPages.List, $"{AuthClientPages.List}/{id}/delete", []);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        await Eventually(async () => (await CallMeAsync(apiClient, a, token.AccessToken!)).StatusCode == HttpStatusCode.Unauthorized,
            "A still accepts the token of a client deleted on B");
        var refused = await apiClient.RequestClientCredentialsTokenAsync(TokenRequest(a, clientId, secret));
        Assert.Equal("invalid_client", refused.ErrorCode());

        // A permission removed in the database applies on both instances.
        var viewerEmail = await CreateViewerAsync(database);
        using var viewerOnA = Browser(a);
        await viewerOnA.Http.SignInAsAsync(viewerEmail, ViewerPassword);
        using var viewerOnB = Browser(b, SessionFrom(viewerOnA, a));
        Assert.Equal(HttpStatusCode.OK, (await viewerOnA.Http.GetAsync(new Uri(AuthClientPages.List, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewerOnB.Http.GetAsync(new Uri(AuthClientPages.List, UriKind.Relative))).StatusCode);

        await ExecuteAsync(database, """DELETE FROM "UserPermissions" WHERE "UserId" = (SELECT "Id" FROM "AspNetUsers" WHERE "Email" = @email)""", viewerEmail);

        await Eventually(async () => (await viewerOnA.Http.GetAsync(new Uri(AuthClientPages.List, UriKind.Relative))).StatusCode == HttpStatusCode.Forbidden,
            "A still lets the user in after the permission was removed");
        await Eventually(async () => (await viewerOnB.Http.GetAsync(new Uri(AuthClientPages.List, UriKind.Relative))).StatusCode == HttpStatusCode.Forbidden,
            "B still lets the user in after the permission was removed");
    }

    private const string ViewerPassword = "viewer-Passw0rd-for-tests";

    private static Dictionary<string, string?> Settings(TestDatabase database) => new()
    {
        ["ConnectionStrings:Default"] = database.ConnectionString,
        ["Database:Provider"] = TestDatabase.PostgreSql,
        ["Bootstrap:AdminEmail"] = AuthClientsAppFactory.AdminEmail,
        ["Bootstrap:AdminPassword"] = AuthClientsAppFactory.AdminPassword,

        // Behind a load balancer both instances answer under one public name: tokens name it as their issuer.
        ["OAuthServer:Issuer"] = "http://authclients.test/",
    };

    /// <summary>A browser of its own: its cookies, no redirects followed.</summary>
    private static BrowserSession Browser(AppProcess app, IEnumerable<Cookie>? cookiesToCarry = null)
    {
        var cookies = new CookieContainer();
        foreach (var cookie in cookiesToCarry ?? [])
        {
            cookies.Add(app.BaseAddress, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }, disposeHandler: true)
        {
            BaseAddress = app.BaseAddress,
        };
        return new BrowserSession(http, cookies);
    }

    /// <summary>Only the session cookie (all its chunks), as a load balancer would pass it to the other instance.</summary>
    private static List<Cookie> SessionFrom(BrowserSession browser, AppProcess app)
    {
        var session = browser.Cookies.GetCookies(app.BaseAddress)
            .Where(c => c.Name.StartsWith(SessionCookie, StringComparison.Ordinal))
            .ToList();
        Assert.True(session.Count > 0, "Signing in set no session cookie.");
        return session;
    }

    private sealed record BrowserSession(HttpClient Http, CookieContainer Cookies) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }

    private static ClientCredentialsTokenRequest TokenRequest(AppProcess app, string clientId, string secret) => new()
    {
        Address = new Uri(app.BaseAddress, "/connect/token").ToString(),
        ClientId = clientId,
        ClientSecret = secret,
    };

    private static async Task<HttpResponseMessage> CallMeAsync(HttpClient http, AppProcess app, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseAddress, "/api/1.0/me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await http.SendAsync(request);
    }

    private static string ClientIdInRow(string html, string name)
    {
        var row = HtmlDocuments.Parse(html).Rows().SingleOrDefault(r => r.Name == name);
        Assert.True(row is not null, $"B does not list the client {name} created on A.");
        return row.ClientId;
    }

    private static Task Eventually(Func<Task<bool>> condition, string failure) =>
        Polling.Eventually(condition, Bound, TimeSpan.FromMilliseconds(200), failure);

    /// <summary>A user with only View Auth Clients, created through Identity straight in the shared database.</summary>
    private static async Task<string> CreateViewerAsync(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<AppDbContext, PostgreSqlAppDbContext>(o => o.UseNpgsql(database.ConnectionString));
        services.AddIdentityCore<AppUser>().AddEntityFrameworkStores<AppDbContext>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var email = $"viewer-{Guid.NewGuid():N}@example.test";
        var user = new AppUser { UserName = email, Email = email, FirstName = "View", LastName = "Only", CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, ViewerPassword);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.UserPermissions.Add(new UserPermission { UserId = user.Id, Permission = Permissions.AuthClients.ViewKey });
        await db.SaveChangesAsync();
        return email;
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql, string email)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("email", email);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
