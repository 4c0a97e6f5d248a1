using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
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
        var before = await RowsAsync(client);

        var renewed = await _backChannel.RequestRefreshAsync(client, first.RefreshToken!);

        Assert.False(renewed.IsError, renewed.Raw);
        var after = await RowsAsync(client);
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
    public async Task CodeExchangeAndRefresh_EachWriteTwice_TheSpentTokenAndTheNewRefreshToken()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword);

        var (tokens, exchangeWrites) = await TokenTableWritesAsync(() => driver.RedeemAsync(_backChannel, code));
        var (renewed, refreshWrites) = await TokenTableWritesAsync(() => _backChannel.RequestRefreshAsync(client, tokens.RefreshToken!));

        Assert.False(renewed.IsError, renewed.Raw);
        Assert.NotNull(tokens.IdentityToken);
        Assert.NotNull(renewed.IdentityToken);
        // One conditional update spends the code or refresh token, one insert writes the new refresh
        // token: no second update of the spent row, no row for the ID token or the access token.
        Assert.Equal(["UPDATE", "INSERT"], exchangeWrites);
        Assert.Equal(["UPDATE", "INSERT"], refreshWrites);
        Assert.Equal(HttpStatusCode.OK, (await _backChannel.GetMeAsync(renewed.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task CodeExchangeAndRefresh_EachReadOnce_TheTokenWithItsUser()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword);

        var (tokens, exchangeReads) = await CommandsAsync(() => driver.RedeemAsync(_backChannel, code), TokenOrUserRead);
        var (renewed, refreshReads) = await CommandsAsync(() => _backChannel.RequestRefreshAsync(client, tokens.RefreshToken!), TokenOrUserRead);

        Assert.False(renewed.IsError, renewed.Raw);
        var exchangeRead = Assert.Single(exchangeReads);
        var refreshRead = Assert.Single(refreshReads);
        Assert.All([exchangeRead, refreshRead], sql => Assert.Contains("\"AspNetUsers\"", sql, StringComparison.Ordinal));
        Assert.All([exchangeRead, refreshRead], sql => Assert.Contains("\"OpenIddictTokens\"", sql, StringComparison.Ordinal));
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

    /// <summary>The writes to the token table while <paramref name="request"/> runs, by verb, in order.</summary>
    private async Task<(T Result, string[] Writes)> TokenTableWritesAsync<T>(Func<Task<T>> request)
    {
        var (result, writes) = await CommandsAsync(request, sql => sql.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal) && !sql.StartsWith("SELECT", StringComparison.Ordinal));
        return (result, [.. writes.Select(sql => sql.Split(' ')[0])]);
    }

    private static bool TokenOrUserRead(string sql) =>
        sql.StartsWith("SELECT", StringComparison.Ordinal)
        && (sql.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal) || sql.Contains("\"AspNetUsers\"", StringComparison.Ordinal));

    // The statements the app ran during the request that match, as EF Core logged them.
    private async Task<(T Result, List<string> Commands)> CommandsAsync<T>(Func<Task<T>> request, Func<string, bool> match)
    {
        var start = app.LogEntries.Count;
        var result = await request();
        var commands = app.LogEntries.Skip(start)
            .Where(e => e.Category == DbLoggerCategory.Database.Command.Name && e.Message.StartsWith("Executed DbCommand", StringComparison.Ordinal))
            .Select(e => WithoutTags(e.Message[(e.Message.IndexOf(']', e.Message.IndexOf("CommandTimeout", StringComparison.Ordinal)) + 1)..]))
            .Where(match)
            .ToList();
        return (result, commands);
    }

    // The statement after the comment lines EF Core writes for a query's tags.
    private static string WithoutTags(string sql) =>
        string.Join('\n', sql.Split('\n').SkipWhile(line => line.StartsWith("--", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(line))).TrimStart();

    private async Task<(RegisteredClient Client, TokenResponse Tokens)> SignInThroughCodeAsync()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        return (client, tokens);
    }

    private static string AuthorizationOf(string accessToken) =>
        new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(accessToken).Claims.Single(c => c.Type == OpenIddictConstants.Claims.Private.AuthorizationId).Value;

    private Task<(int AccessTokens, int RefreshTokens)> RowsAsync(RegisteredClient client) => app.WithServicesAsync(async services =>
    {
        var rows = await services.GetRequiredService<AppDbContext>().Set<AuthClientToken>()
            .Where(t => t.Application!.Id == client.Id).Select(t => t.Type).ToListAsync();
        return (rows.Count(t => t == OpenIddictConstants.TokenTypeIdentifiers.AccessToken), rows.Count(t => t == OpenIddictConstants.TokenTypeIdentifiers.RefreshToken));
    });
}
