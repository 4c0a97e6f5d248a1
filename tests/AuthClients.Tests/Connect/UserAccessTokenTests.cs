using System.Data.Common;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.Connect;

/// <summary>
/// A user's access tokens from the code and refresh grants are written nowhere
/// (OAuthServer:Performance:StoreUserAccessTokens off): the API and introspection check them
/// against their authorization. What stopped them through their row must still stop them at once.
/// </summary>
public sealed class UserAccessTokenTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _backChannel = app.CreateClient();

    [Fact]
    public async Task Refresh_WritesOnlyTheNewRefreshToken_AndTheNewAccessTokenWorksOnTheApi()
    {
        var (client, first) = await SignInThroughCodeAsync();
        var before = await RowsAsync(app, client);

        var renewed = await _backChannel.RequestRefreshAsync(client, first.RefreshToken!);

        Assert.False(renewed.IsError, renewed.Raw);
        var after = await RowsAsync(app, client);
        Assert.Equal(before.RefreshTokens + 1, after.RefreshTokens);
        Assert.Equal(0, after.AccessTokens);
        Assert.Equal(HttpStatusCode.OK, (await _backChannel.GetMeAsync(renewed.AccessToken!)).StatusCode);
        Assert.True((await _backChannel.IntrospectAsync(client, renewed.AccessToken!)).IsActive);
    }

    [Fact]
    public async Task SpentRefreshTokenPresentedAgain_StopsEveryAccessTokenOfItsChainAtOnce()
    {
        var (client, first) = await SignInThroughCodeAsync();
        var second = await _backChannel.RequestRefreshAsync(client, first.RefreshToken!);
        Assert.False(second.IsError, second.Raw);
        Assert.Equal(HttpStatusCode.OK, (await _backChannel.GetMeAsync(second.AccessToken!)).StatusCode);

        var replayed = await _backChannel.RequestRefreshAsync(client, first.RefreshToken!);

        Assert.Equal("invalid_grant", replayed.ErrorCode());
        foreach (var accessToken in new[] { first.AccessToken!, second.AccessToken! })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await _backChannel.GetMeAsync(accessToken)).StatusCode);
            Assert.False((await _backChannel.IntrospectAsync(client, accessToken)).IsActive);
        }

        Assert.Equal("invalid_grant", (await _backChannel.RequestRefreshAsync(client, second.RefreshToken!)).ErrorCode());
    }

    [Fact]
    public async Task RevokingTheAuthorization_StopsItsAccessTokenAtOnce()
    {
        var (client, tokens) = await SignInThroughCodeAsync();
        Assert.Equal(HttpStatusCode.OK, (await _backChannel.GetMeAsync(tokens.AccessToken!)).StatusCode);

        await app.WithServicesAsync(async services =>
        {
            var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await authorizations.FindByIdAsync(AuthorizationOf(tokens.AccessToken!));
            Assert.True(await authorizations.TryRevokeAsync(authorization!));
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await _backChannel.GetMeAsync(tokens.AccessToken!)).StatusCode);
        Assert.False((await _backChannel.IntrospectAsync(client, tokens.AccessToken!)).IsActive);
        Assert.Equal("invalid_grant", (await _backChannel.RequestRefreshAsync(client, tokens.RefreshToken!)).ErrorCode());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task OneRefreshTokenSentManyTimesAtOnce_IsExchangedExactlyOnce(int copies)
    {
        var (client, tokens) = await SignInThroughCodeAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => _backChannel.RequestRefreshAsync(client, tokens.RefreshToken!)));

        Assert.Single(answers, a => !a.IsError);
        Assert.All(answers.Where(a => a.IsError), a => Assert.Equal("invalid_grant", a.ErrorCode()));

        // The spent one and the winner's: a refused copy left no row of the refresh token it had made.
        Assert.Equal(2, (await RowsAsync(app, client)).RefreshTokens);
    }

    [Fact]
    public async Task ManyChainsRefreshedAtOnce_AllSucceed()
    {
        // Each refresh writes (the spent token, the new one): concurrent writers must queue, not fail.
        var chains = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SignInThroughCodeAsync()));

        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(chains.Select(c => _backChannel.RequestRefreshAsync(c.Client, c.Tokens.RefreshToken!)));

            Assert.All(answers, a => Assert.False(a.IsError, a.Raw));
            chains = chains.Zip(answers, (c, a) => (c.Client, a)).ToArray();
        }
    }

    [Fact]
    public async Task CodeExchangeAndRefresh_EachWriteTheSpentTokenAndTheNewRefreshToken_InOneCommit()
    {
        // Every commit the app logs meanwhile counts, so the last-used flush (every 30 s by default,
        // here the longest allowed) must not come between: its commit would be a second one.
        await using var quiet = new AuthClientsAppFactory { Settings = { ["AuthClients:Credentials:LastUsedFlushInterval"] = "00:10:00" } };
        var backChannel = quiet.CreateClient();
        var client = await quiet.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(quiet.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await quiet.CreateUserAsync(), AuthClientsAppFactory.UserPassword);

        var (tokens, exchangeWrites) = await TokenTableWritesAsync(quiet, () => driver.RedeemAsync(backChannel, code));
        var (renewed, refreshWrites) = await TokenTableWritesAsync(quiet, () => backChannel.RequestRefreshAsync(client, tokens.RefreshToken!));

        Assert.False(renewed.IsError, renewed.Raw);
        Assert.NotNull(tokens.IdentityToken);
        Assert.NotNull(renewed.IdentityToken);
        // One conditional update spends the code or refresh token, one insert writes the new refresh
        // token, and one commit writes both: no second update of the spent row, no row for the ID
        // token or the access token, no commit of the one without the other. On PostgreSQL both are
        // one statement (the insert selects from the update), atomic without a transaction.
        string[] oneCommit = quiet.Database.IsPostgreSql ? ["WITH spent AS (UPDATE+INSERT)"] : ["UPDATE", "INSERT", "COMMIT"];
        Assert.Equal(oneCommit, exchangeWrites);
        Assert.Equal(oneCommit, refreshWrites);
        Assert.Equal(HttpStatusCode.OK, (await backChannel.GetMeAsync(renewed.AccessToken!)).StatusCode);
    }

    /// <summary>
    /// A grant reads its token and the token's user in one statement, and no client row for the token:
    /// the token's client is known by the row's key (OpenIddict's stores load the client for its id, and
    /// find it for the new token's). A client may still be read by its Client ID, when the client cache
    /// misses. The new refresh token rows still belong to the client.
    /// </summary>
    [Fact]
    public async Task CodeExchangeAndRefresh_EachReadOnce_TheTokenWithItsUser_AndNoClientRowForTheToken()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword);

        var (tokens, exchangeReads) = await CommandsAsync(() => driver.RedeemAsync(_backChannel, code), IsRead);
        var (renewed, refreshReads) = await CommandsAsync(() => _backChannel.RequestRefreshAsync(client, tokens.RefreshToken!), IsRead);

        Assert.False(renewed.IsError, renewed.Raw);
        var exchangeRead = Assert.Single(exchangeReads, TokenOrUserRead);
        var refreshRead = Assert.Single(refreshReads, TokenOrUserRead);
        Assert.All([exchangeRead, refreshRead], sql => Assert.Contains("\"AspNetUsers\"", sql, StringComparison.Ordinal));
        Assert.All([exchangeRead, refreshRead], sql => Assert.Contains("\"OpenIddictTokens\"", sql, StringComparison.Ordinal));
        Assert.All([.. exchangeReads, .. refreshReads], sql => Assert.True(!sql.Contains("\"OpenIddictApplications\"", StringComparison.Ordinal)
            || sql.Contains("\"ClientId\" = ", StringComparison.Ordinal), sql));
        Assert.Equal((0, 2), await RowsAsync(app, client)); // the spent refresh token and the new one
    }

    /// <summary>
    /// The authorization is revoked after a refresh read its token valid and before the refresh writes
    /// the redemption. OpenIddict's bulk revocation sets the status alone and leaves the row's stamp, so
    /// the redemption's check must include the status: the refresh is refused, writes nothing, and the
    /// token stays revoked (not overwritten as redeemed, which would carry the chain on).
    /// </summary>
    [Fact]
    public async Task RefreshWhoseAuthorizationIsRevokedAfterItsTokenWasRead_IsRefused_AndWritesNothing()
    {
        var revoke = new RevokeAfterATokenRead();
        await using var racing = new AuthClientsAppFactory
        {
            TestServices = services =>
            {
                services.ConfigureDbContext<SqliteAppDbContext>(o => o.AddInterceptors(revoke));
                services.ConfigureDbContext<PostgreSqlAppDbContext>(o => o.AddInterceptors(revoke));
            },
        };
        var backChannel = racing.CreateClient();
        var client = await racing.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(racing.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(backChannel, await driver.GetCodeAsync(await racing.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);

        revoke.Arm(racing.Services, AuthorizationOf(tokens.AccessToken!));
        var refreshed = await backChannel.RequestRefreshAsync(client, tokens.RefreshToken!);

        Assert.True(revoke.Revoked, "The revocation did not run between the token's read and its redemption: the race was not played.");
        Assert.Equal("invalid_grant", refreshed.ErrorCode());
        Assert.Equal((0, 1), await RowsAsync(racing, client));
        Assert.Equal(OpenIddictConstants.Statuses.Revoked, await racing.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Set<AuthClientToken>()
            .Where(t => t.Application!.Id == client.Id && t.Type == OpenIddictConstants.TokenTypeIdentifiers.RefreshToken).Select(t => t.Status).SingleAsync()));
    }

    /// <summary>Once armed, revokes an authorization's tokens through OpenIddict (another connection) right after the next read of the token table.</summary>
    private sealed class RevokeAfterATokenRead : DbCommandInterceptor
    {
        private IServiceProvider? _services;
        private string? _authorizationId;
        private int _armed;

        public bool Revoked { get; private set; }

        public void Arm(IServiceProvider services, string authorizationId) => (_services, _authorizationId, _armed) = (services, authorizationId, 1);

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"OpenIddictTokens\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await using var scope = _services!.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeByAuthorizationIdAsync(_authorizationId!, cancellationToken);
                Revoked = true;
            }

            return result;
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task OneCodeSentManyTimesAtOnce_IsExchangedExactlyOnce(int copies)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword);

        var answers = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => driver.RedeemAsync(_backChannel, code)));

        Assert.Single(answers, a => !a.IsError);
        Assert.All(answers.Where(a => a.IsError), a => Assert.Equal("invalid_grant", a.ErrorCode()));
    }

    [Fact]
    public async Task SpentRefreshTokenRetriedWithinTheLeeway_GetsTokens_AndTheChainGoesOn()
    {
        await using var lenient = new AuthClientsAppFactory { Settings = { ["OAuthServer:RefreshTokenReuseLeeway"] = "00:05:00" } };
        var backChannel = lenient.CreateClient();
        var client = await lenient.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(lenient.CreateBrowser(), client);
        var first = await driver.RedeemAsync(backChannel, await driver.GetCodeAsync(await lenient.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        var second = await backChannel.RequestRefreshAsync(client, first.RefreshToken!);
        Assert.False(second.IsError, second.Raw);

        // As if the answer to the first refresh was lost: the client sends the same token again.
        var retried = await backChannel.RequestRefreshAsync(client, first.RefreshToken!);

        Assert.False(retried.IsError, retried.Raw);
        Assert.Equal(HttpStatusCode.OK, (await backChannel.GetMeAsync(second.AccessToken!)).StatusCode);
        Assert.False((await backChannel.RequestRefreshAsync(client, retried.RefreshToken!)).IsError);
    }

    /// <summary>
    /// The statements that write the token table while <paramref name="request"/> runs, by verb, and
    /// every transaction committed meanwhile ("COMMIT"), in order. A command that holds several
    /// statements (a batch) gives each of its statements; a statement of several writes (a
    /// data-modifying <c>WITH</c>) gives one entry that names them: "WITH spent AS (UPDATE+INSERT)".
    /// </summary>
    private static Task<(T Result, string[] Writes)> TokenTableWritesAsync<T>(AuthClientsAppFactory factory, Func<Task<T>> request) =>
        LoggedWhileAsync(factory, request, entries => entries.SelectMany(e =>
            e.Category == DbLoggerCategory.Database.Transaction.Name && e.Message.StartsWith("Committed transaction", StringComparison.Ordinal) ? ["COMMIT"]
            : IsExecutedCommand(e) ? TokenTableWritesOf(e.Message)
            : []));

    private static List<string> TokenTableWritesOf(string logged)
    {
        var statements = StatementsOf(logged).ToList();
        var writes = statements.Where(sql => !sql.StartsWith("SELECT", StringComparison.Ordinal) && sql.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal))
            .Select(sql => sql.Split(' ')[0]).ToList();
        return statements.FirstOrDefault() is { } first && first.StartsWith("WITH", StringComparison.Ordinal) && writes.Count > 0
            ? [$"{first}{string.Join('+', writes)})"]
            : writes;
    }

    // The statements the app ran during the request that match, as EF Core logged them.
    private Task<(T Result, string[] Commands)> CommandsAsync<T>(Func<Task<T>> request, Func<string, bool> match) =>
        LoggedWhileAsync(app, request, entries => entries
            .Where(IsExecutedCommand)
            .Select(e => WithoutTags(e.Message[(e.Message.IndexOf(']', e.Message.IndexOf("CommandTimeout", StringComparison.Ordinal)) + 1)..]))
            .Where(match));

    // What select makes of the log entries the app wrote while request ran.
    private static async Task<(T Result, string[] Selected)> LoggedWhileAsync<T>(AuthClientsAppFactory factory, Func<Task<T>> request, Func<IEnumerable<CapturedLogEntry>, IEnumerable<string>> select)
    {
        var start = factory.LogEntries.Count;
        var result = await request();
        return (result, [.. select(factory.LogEntries.Skip(start))]);
    }

    private static bool IsExecutedCommand(CapturedLogEntry entry) =>
        entry.Category == DbLoggerCategory.Database.Command.Name && entry.Message.StartsWith("Executed DbCommand", StringComparison.Ordinal);

    // The statements of a logged command: each begins a line with its verb, after the parameters and tags.
    private static IEnumerable<string> StatementsOf(string logged) =>
        logged.Split('\n').Where(line => line.Length > 0 && char.IsAsciiLetterUpper(line[0]) && line.Split(' ')[0] is "SELECT" or "UPDATE" or "INSERT" or "DELETE" or "WITH");

    private static bool IsRead(string sql) => sql.StartsWith("SELECT", StringComparison.Ordinal);

    private static bool TokenOrUserRead(string sql) =>
        sql.StartsWith("SELECT", StringComparison.Ordinal)
        && (sql.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal) || sql.Contains("\"AspNetUsers\"", StringComparison.Ordinal));

    // The statement after the comment lines EF Core writes for a query's tags.
    private static string WithoutTags(string sql) =>
        string.Join('\n', sql.Split('\n').SkipWhile(line => line.StartsWith("--", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(line))).TrimStart();

    private Task<(RegisteredClient Client, TokenResponse Tokens)> SignInThroughCodeAsync() => AuthorizationCodeDriver.SignInThroughCodeAsync(app, _backChannel);

    private static string AuthorizationOf(string accessToken) =>
        new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(accessToken).Claims.Single(c => c.Type == OpenIddictConstants.Claims.Private.AuthorizationId).Value;

    private static Task<(int AccessTokens, int RefreshTokens)> RowsAsync(AuthClientsAppFactory app, RegisteredClient client) => app.WithServicesAsync(async services =>
    {
        var rows = await services.GetRequiredService<AppDbContext>().Set<AuthClientToken>()
            .Where(t => t.Application!.Id == client.Id).Select(t => t.Type).ToListAsync();
        return (rows.Count(t => t == OpenIddictConstants.TokenTypeIdentifiers.AccessToken), rows.Count(t => t == OpenIddictConstants.TokenTypeIdentifiers.RefreshToken));
    });
}
