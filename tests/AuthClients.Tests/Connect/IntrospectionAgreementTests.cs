using AuthClients.Web.Connect;
using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.ApiTokens;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.Connect;

/// <summary>
/// A resource server that asks <c>/connect/introspect</c> gets the answer the API would give: for
/// every kind of token (a client's, a person's through an OAuth client, a personal access token)
/// and every change that makes the API refuse it, introspection says <c>{"active":false}</c>; while
/// the API accepts it, introspection says active.
/// </summary>
public sealed class IntrospectionAgreementTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    public enum TokenKind { Client, User, PersonalAccessToken }

    public enum Change { UserDeactivated, UserDeleted, ClientDeleted, ClientDisabled, AuthorizationRevoked, TokenRevoked, TokenExpired, ClientLostPersonalAccessTokens }

    /// <summary>The token, the client that may introspect it (its presenter), and whose it is.</summary>
    private sealed record Issued(string Token, RegisteredClient Presenter, string? UserId, string? PersonalTokenId);

    public static TheoryData<TokenKind, Change> RefusedTokens => new()
    {
        { TokenKind.Client, Change.ClientDeleted },
        { TokenKind.Client, Change.ClientDisabled },
        { TokenKind.User, Change.ClientDisabled },
        { TokenKind.PersonalAccessToken, Change.ClientDisabled },
        { TokenKind.User, Change.UserDeactivated },
        { TokenKind.User, Change.UserDeleted },
        { TokenKind.User, Change.ClientDeleted },
        { TokenKind.User, Change.AuthorizationRevoked },
        { TokenKind.PersonalAccessToken, Change.UserDeactivated },
        { TokenKind.PersonalAccessToken, Change.UserDeleted },
        { TokenKind.PersonalAccessToken, Change.ClientDeleted },
        { TokenKind.PersonalAccessToken, Change.ClientLostPersonalAccessTokens },
        { TokenKind.PersonalAccessToken, Change.TokenRevoked },
        { TokenKind.PersonalAccessToken, Change.TokenExpired },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task TokenTheApiRefuses_IsInactiveAtIntrospection(TokenKind kind, Change change)
    {
        var issued = await IssueAsync(kind);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetMeAsync(issued.Token)).StatusCode);
        Assert.True((await IntrospectAsync(issued.Presenter, issued.Token)).IsActive);

        await ApplyAsync(change, issued);

        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetMeAsync(issued.Token)).StatusCode);
        // A deleted or disabled client cannot ask any more; another client is told only "inactive" in any case.
        var caller = change is Change.ClientDeleted or Change.ClientDisabled ? await app.RegisterClientAsync() : issued.Presenter;
        var introspection = await IntrospectAsync(caller, issued.Token);
        Assert.Equal(HttpStatusCode.OK, introspection.HttpStatusCode);
        using var body = JsonDocument.Parse(introspection.Raw!);
        Assert.Equal("{\"active\":false}", JsonSerializer.Serialize(body.RootElement));
    }

    [Fact]
    public async Task PersonalAccessTokenTheApiAccepts_IsActiveAtIntrospection_ForItsClientOnly()
    {
        var issued = await IssueAsync(TokenKind.PersonalAccessToken);

        var introspection = await IntrospectAsync(issued.Presenter, issued.Token);
        var byAnotherClient = await IntrospectAsync(await app.RegisterClientAsync(), issued.Token);

        Assert.True(introspection.IsActive, introspection.Raw);
        Assert.Equal(issued.UserId, introspection.Claims.Single(c => c.Type == "sub").Value);
        Assert.Equal(issued.Presenter.ClientId, introspection.Claims.Single(c => c.Type == "client_id").Value);
        Assert.False(byAnotherClient.IsActive);
    }

    private async Task<Issued> IssueAsync(TokenKind kind)
    {
        switch (kind)
        {
            case TokenKind.Client:
                var client = await app.RegisterClientAsync();
                var clientToken = await _http.RequestClientTokenAsync(client);
                return new Issued(clientToken.AccessToken!, client, UserId: null, PersonalTokenId: null);
            case TokenKind.User:
                var passwordClient = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read"]);
                var (email, userId) = await app.CreateUserWithIdAsync();
                var userToken = await _http.RequestPasswordTokenAsync(passwordClient, email, AuthClientsAppFactory.UserPassword, "auth_clients.read offline_access");
                Assert.False(userToken.IsError, userToken.Raw);
                return new Issued(userToken.AccessToken!, passwordClient, userId, PersonalTokenId: null);
            default:
                var (_, ownerId) = await app.CreateUserWithIdAsync();
                var (token, owner) = await app.CreatePersonalAccessTokenAsync(ownerId);
                var issuer = await app.WithServicesAsync(services => PresenterAsync(services, owner.ClientId));
                return new Issued(token, issuer, ownerId, owner.TokenId);
        }
    }

    private Task ApplyAsync(Change change, Issued issued) => app.WithServicesAsync(async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        switch (change)
        {
            case Change.UserDeactivated:
                await db.Users.Where(u => u.Id == issued.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false));
                break;
            case Change.UserDeleted:
                var users = services.GetRequiredService<UserManager<AppUser>>();
                Assert.True((await users.DeleteAsync((await users.FindByIdAsync(issued.UserId!))!)).Succeeded);
                break;
            case Change.ClientDeleted:
                Assert.Equal(ChangeStatus.Saved, (await services.GetRequiredService<AuthClientCommands>().DeleteAsync(issued.Presenter.Id)).Status);
                break;
            case Change.ClientDisabled:
                await app.SetEnabledAsync(issued.Presenter, enabled: false);
                break;
            case Change.AuthorizationRevoked:
                var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
                var revoked = 0;
                await foreach (var authorization in authorizations.FindBySubjectAsync(issued.UserId!))
                {
                    revoked += await authorizations.TryRevokeAsync(authorization) ? 1 : 0;
                }

                Assert.NotEqual(0, revoked);
                break;
            case Change.TokenRevoked:
                Assert.True(await services.GetRequiredService<ApiTokenService>().RevokeAsync(issued.UserId!, issued.PersonalTokenId!));
                break;
            case Change.TokenExpired:
                await db.PersonalAccessTokens.Where(t => t.Id == issued.PersonalTokenId).ExecuteUpdateAsync(t => t.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
                break;
            case Change.ClientLostPersonalAccessTokens:
                var settings = (await services.GetRequiredService<AuthClientQueries>().GetSettingsAsync(issued.Presenter.Id))!;
                var changed = settings with { Grants = settings.Grants with { PersonalAccessTokens = false } };
                Assert.Equal(ChangeStatus.Saved, (await services.GetRequiredService<AuthClientCommands>().UpdateAsync(issued.Presenter.Id, changed, OAuthScopes.Api.ToHashSet())).Status);
                break;
        }
    });

    /// <summary>The client a personal access token was issued through, with its secret, as its owner holds them.</summary>
    private static async Task<RegisteredClient> PresenterAsync(IServiceProvider services, string clientId)
    {
        var id = (await services.GetRequiredService<AuthClientQueries>().FindIdAsync(clientId))!;
        return new RegisteredClient(id, clientId, (await services.GetRequiredService<AuthClientCredentials>().RevealSecretAsync(id))!);
    }

    private Task<TokenIntrospectionResponse> IntrospectAsync(RegisteredClient caller, string token) => _http.IntrospectAsync(caller, token);
}
