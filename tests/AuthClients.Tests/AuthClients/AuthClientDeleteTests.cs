using System.Net;
using AuthClients.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Tests.AuthClients;

/// <summary>Deleting a client: confirmed, announced, and it takes its tokens and authorizations with it.</summary>
public sealed class AuthClientDeleteTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_DeleteButton_OpensACautionDialogWithConfirmAndCancel()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);

        var page = await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}");

        var button = page.QuerySelector("button[aria-label=Delete]")!;
        Assert.Equal(name, button.GetAttribute("data-delete-name"));
        Assert.Equal(AuthClientPages.DeleteUrl(id), button.GetAttribute("data-delete-url"));
        var dialog = page.QuerySelector(button.GetAttribute("data-bs-target")!)!;
        Assert.Equal("Caution!", dialog.QuerySelector(".modal-title")!.Text());
        Assert.StartsWith("Are you sure you want to delete the auth client", dialog.QuerySelector(".modal-body")!.Text(), StringComparison.Ordinal);
        Assert.Equal(["Cancel", "Confirm"], dialog.QuerySelectorAll(".modal-footer button").Select(b => b.Text()));
    }

    [Fact]
    public async Task Delete_RemovesTheClientAndSaysDeleted()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var clientId = (await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows().Single().ClientId;

        var response = await browser.DeleteClientAsync(id);

        var list = await browser.FollowRedirectAsync(response);
        Assert.Equal("The auth client was deleted.", list.StatusMessage());
        Assert.Empty((await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows());
        var stillKnown = await app.WithServicesAsync(async services =>
            await services.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(clientId) is not null);
        Assert.False(stillKnown);
    }

    [Fact]
    public async Task Delete_RemovesTheClientsTokensAndAuthorizationsOnly()
    {
        var browser = await app.SignedInAsAdminAsync();
        var doomed = await browser.CreateClientAsync(NewName(), authorizationCode: true, redirectUris: "https://doomed.example.com/cb");
        var other = await browser.CreateClientAsync(NewName(), authorizationCode: true, redirectUris: "https://other.example.com/cb");
        var (doomedAuthorization, doomedTokens) = await IssueAsync(doomed);
        var (otherAuthorization, otherTokens) = await IssueAsync(other);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.DeleteClientAsync(doomed)).StatusCode);

        await app.WithServicesAsync(async services =>
        {
            var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
            var tokens = services.GetRequiredService<IOpenIddictTokenManager>();
            Assert.Null(await authorizations.FindByIdAsync(doomedAuthorization));
            foreach (var token in doomedTokens)
            {
                Assert.Null(await tokens.FindByIdAsync(token));
            }

            Assert.NotNull(await authorizations.FindByIdAsync(otherAuthorization));
            foreach (var token in otherTokens)
            {
                Assert.NotNull(await tokens.FindByIdAsync(token));
            }
        });
    }

    private static string NewName() => $"client {Guid.NewGuid():N}";

    /// <summary>
    /// What the client would hold after people used it: a permanent authorization with a refresh
    /// token and an access token under it, and a client-credentials access token of its own.
    /// </summary>
    private Task<(string Authorization, string[] Tokens)> IssueAsync(string applicationId) =>
        app.WithServicesAsync(async services =>
        {
            var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
            var tokens = services.GetRequiredService<IOpenIddictTokenManager>();
            var now = DateTimeOffset.UtcNow;

            var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
            {
                ApplicationId = applicationId,
                Subject = "user-1",
                Status = Statuses.Valid,
                Type = AuthorizationTypes.Permanent,
                CreationDate = now,
                Scopes = { Scopes.Profile },
            });
            var authorizationId = (await authorizations.GetIdAsync(authorization))!;

            var ids = new List<string>();
            foreach (var (type, underAuthorization) in new[] { (TokenTypeHints.RefreshToken, true), (TokenTypeHints.AccessToken, true), (TokenTypeHints.AccessToken, false) })
            {
                var token = await tokens.CreateAsync(new OpenIddictTokenDescriptor
                {
                    ApplicationId = applicationId,
                    AuthorizationId = underAuthorization ? authorizationId : null,
                    Subject = underAuthorization ? "user-1" : applicationId,
                    Type = type,
                    Status = Statuses.Valid,
                    CreationDate = now,
                    ExpirationDate = now.AddHours(1),
                });
                ids.Add((await tokens.GetIdAsync(token))!);
            }

            return (authorizationId, ids.ToArray());
        });
}
