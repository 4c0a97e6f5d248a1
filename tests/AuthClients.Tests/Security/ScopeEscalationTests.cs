using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;

namespace AuthClients.Tests.Security;

/// <summary>
/// Nobody obtains through a client a right they do not hold (checklist 38): copying or rotating a
/// client's secret hands over every right its scopes grant, and giving a client a scope hands over
/// that scope's rights. Every pair of (the actor's Auth Clients permissions, the client's scopes) is
/// tried on the page and the API; the expected answer is computed from the rule itself.
/// </summary>
public sealed class ScopeEscalationTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Read = "auth_clients.read";
    private const string Write = "auth_clients.write";

    private static readonly string[][] ScopeSets = [[], [Read], [Write], [Read, Write]];

    /// <summary>What each scope lets a client-credentials token do: the specification this test holds the app to.</summary>
    private static readonly Dictionary<string, string[]> Grants = new()
    {
        [Read] = [Permissions.AuthClients.ViewKey],
        [Write] = [Permissions.AuthClients.CreateKey, Permissions.AuthClients.EditKey, Permissions.AuthClients.DeleteKey],
    };

    /// <summary>View (needed for the page at all) with every combination of Create, Edit, Delete; and a Super Admin (null).</summary>
    public static TheoryData<string[]?, string[]> Pairs()
    {
        string[] actions = [Permissions.AuthClients.CreateKey, Permissions.AuthClients.EditKey, Permissions.AuthClients.DeleteKey];
        var data = new TheoryData<string[]?, string[]>();
        for (var mask = 0; mask < 8; mask++)
        {
            string[] permissions = [Permissions.AuthClients.ViewKey, .. actions.Where((_, i) => (mask & (1 << i)) != 0)];
            foreach (var scopes in ScopeSets)
            {
                data.Add(permissions, scopes);
            }
        }

        foreach (var scopes in ScopeSets)
        {
            data.Add(null, scopes);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Page_CopyRotateAndAssign_AreAllowedExactlyWhenTheUserHoldsEveryRightTheScopesGrant(string[]? permissions, string[] scopes)
    {
        var holds = permissions is null || scopes.SelectMany(s => Grants[s]).All(permissions.Contains);
        var target = await app.RegisterClientAsync(scopes: scopes);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: permissions ?? [], superAdmin: permissions is null));

        // The list offers the copy button only where it would work, and says why not elsewhere.
        var row = (await browser.GetDocumentAsync($"{AuthClientPages.List}?search={target.ClientId}")).QuerySelectorAll("tbody tr")
            .Single(r => r.QuerySelector("td")!.TextContent.Trim() == target.ClientId);
        Assert.Equal(holds, row.QuerySelector("[data-copy-secret-url]") is not null);
        Assert.Equal(!holds, row.TextContent.Contains("Copying needs", StringComparison.Ordinal));

        var copy = await browser.RequestSecretAsync(target.Id);
        Assert.Equal(holds ? HttpStatusCode.OK : HttpStatusCode.Forbidden, copy.StatusCode);
        Assert.Equal(holds, (await copy.Content.ReadAsStringAsync()).Contains(target.Secret, StringComparison.Ordinal));

        var canEdit = permissions is null || permissions.Contains(Permissions.AuthClients.EditKey);
        if (canEdit)
        {
            var rotate = await browser.RegenerateSecretAsync(target.Id);
            Assert.Equal(holds ? HttpStatusCode.Redirect : HttpStatusCode.Forbidden, rotate.StatusCode);
            Assert.Equal(holds, !await SecretStillWorksAsync(target));

            // Giving these scopes to a client that has none.
            var plain = await app.RegisterClientAsync();
            var page = await browser.OpenEditPageAsync(plain.Id);
            var save = await browser.SaveEditAsync(plain.Id, page, [.. AuthClientPages.Form(plain.ClientId + " renamed"), .. ScopeFields(scopes)]);
            Assert.Equal(holds ? HttpStatusCode.Redirect : HttpStatusCode.OK, save.StatusCode);
            Assert.Equal(holds ? scopes : [], await ScopesOfAsync(plain.Id));
        }

        if (permissions is null || permissions.Contains(Permissions.AuthClients.CreateKey))
        {
            var name = $"created-{Guid.NewGuid():N}";
            var create = await browser.CreateAsync([.. AuthClientPages.Form(name), .. ScopeFields(scopes)]);
            Assert.Equal(holds ? HttpStatusCode.Redirect : HttpStatusCode.OK, create.StatusCode);
            if (!holds)
            {
                Assert.StartsWith("You cannot add or remove the scope", (await create.ReadDocumentAsync()).ErrorNextTo("Form.ScopeAuthClientsRead"), StringComparison.Ordinal);
            }

            Assert.Equal(holds, (await browser.GetDocumentAsync($"{AuthClientPages.List}?search={name}")).Rows().Count == 1);
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Page_EditByAUserWhoCannotChangeAScope_KeepsIt_AndSaysWhy(string[]? permissions, string[] scopes)
    {
        if (permissions is not null && !permissions.Contains(Permissions.AuthClients.EditKey))
        {
            return; // without Edit there is no edit page: the authorization tests cover the 403
        }

        var target = await app.RegisterClientAsync(scopes: scopes);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: permissions ?? [], superAdmin: permissions is null));

        var page = await browser.OpenEditPageAsync(target.Id);
        foreach (var scope in new[] { Read, Write })
        {
            var locked = permissions is not null && !Grants[scope].All(permissions.Contains);
            Assert.Equal(locked, page.Document.QuerySelector($"#scope-{scope.Replace('.', '-')}")!.HasAttribute("disabled"));
            Assert.Equal(locked, page.Document.GetElementById($"scope-{scope.Replace('.', '-')}-locked") is not null);
        }

        // Saved as a browser submits the page: the name changes, every scope stays as it was.
        var fields = SubmittedFields(page.Document).Where(f => f.Key != "Form.Name").Append(new("Form.Name", $"renamed-{Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SaveEditAsync(target.Id, page, fields)).StatusCode);
        Assert.Equal(scopes, await ScopesOfAsync(target.Id));
    }

    /// <summary>A client acting through the API holds what its own scopes grant, and no more.</summary>
    [Theory]
    [MemberData(nameof(ClientPairs))]
    public async Task Api_ClientToken_RotatesAndAssigns_OnlyWithinItsOwnScopes(string[] actorScopes, string[] targetScopes)
    {
        var holds = targetScopes.SelectMany(s => Grants[s]).All(actorScopes.SelectMany(s => Grants[s]).Contains);
        var http = app.CreateClient();
        var token = await app.ClientAccessTokenAsync(actorScopes);
        var target = await app.RegisterClientAsync(scopes: targetScopes);

        var rotate = await http.SendBearerAsync(HttpMethod.Post, $"/api/1.0/auth-clients/{target.ClientId}/secret", token);
        var create = await http.SendBearerAsync(HttpMethod.Post, "/api/1.0/auth-clients", token, new
        {
            name = $"api-created-{Guid.NewGuid():N}",
            grant_types = new[] { "client_credentials" },
            scopes = targetScopes,
        });

        Assert.Equal(holds ? HttpStatusCode.OK : HttpStatusCode.Forbidden, rotate.StatusCode);
        Assert.Equal(holds ? HttpStatusCode.Created : HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(holds, !await SecretStillWorksAsync(target));
        if (!holds)
        {
            using var problem = JsonDocument.Parse(await create.Content.ReadAsStringAsync());
            Assert.Contains("which the client's scopes grant and you do not hold", problem.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Actors with the write scope (without it nothing here is allowed at all), against every target.</summary>
    public static TheoryData<string[], string[]> ClientPairs()
    {
        var data = new TheoryData<string[], string[]>();
        foreach (var actor in new[] { new[] { Write }, new[] { Read, Write } })
        {
            foreach (var target in ScopeSets)
            {
                data.Add(actor, target);
            }
        }

        return data;
    }

    [Fact]
    public async Task Api_TokenOfAViewEditUser_CannotGiveAClientTheWriteScope()
    {
        var email = await app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey, Permissions.AuthClients.EditKey]);
        var http = app.CreateClient();
        var token = await app.UserApiTokenAsync(email);
        var target = await app.RegisterClientAsync(scopes: [Read]);

        var update = await http.SendBearerAsync(HttpMethod.Put, $"/api/1.0/auth-clients/{target.ClientId}", token, new
        {
            name = $"escalated-{Guid.NewGuid():N}",
            grant_types = new[] { "client_credentials" },
            scopes = new[] { Read, Write },
        });

        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
        Assert.Equal([Read], await ScopesOfAsync(target.Id));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Page_RedirectUrlsOfAPublicClient_ChangeOnlyForWhoeverHoldsItsScopes(string[]? permissions, string[] scopes)
    {
        if (permissions is not null && !permissions.Contains(Permissions.AuthClients.EditKey))
        {
            return; // without Edit there is no edit page
        }

        var holds = permissions is null || scopes.SelectMany(s => Grants[s]).All(permissions.Contains);
        var target = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, isPublic: true, scopes: scopes);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: permissions ?? [], superAdmin: permissions is null));

        var page = await browser.OpenEditPageAsync(target.Id);
        Assert.Equal(!holds, page.Document.QuerySelector("[name='Form.RedirectUris']")!.HasAttribute("readonly"));
        var fields = SubmittedFields(page.Document).Where(f => f.Key != "Form.RedirectUris")
            .Append(new("Form.RedirectUris", RegisteredClients.RedirectUri + "\nhttps://attacker.example/cb"));
        var save = await browser.SaveEditAsync(target.Id, page, fields);

        Assert.Equal(holds ? HttpStatusCode.Redirect : HttpStatusCode.OK, save.StatusCode);
        var stored = await app.WithServicesAsync(services => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Web.Features.AuthClients.AuthClientQueries>(services).GetSettingsAsync(target.Id));
        Assert.Equal(holds, stored!.RedirectUris.Any(uri => uri.Contains("attacker.example", StringComparison.Ordinal)));
    }

    private async Task<bool> SecretStillWorksAsync(RegisteredClient client)
    {
        var response = await app.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.Secret,
        }));
        return response.StatusCode == HttpStatusCode.OK;
    }

    private Task<IReadOnlyList<string>?> ScopesOfAsync(string id) =>
        app.WithServicesAsync(services => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Web.Features.AuthClients.AuthClientQueries>(services).GetScopesAsync(id));

    private static IEnumerable<KeyValuePair<string, string>> ScopeFields(string[] scopes) =>
        scopes.Select(s => new KeyValuePair<string, string>(s == Read ? "Form.ScopeAuthClientsRead" : "Form.ScopeAuthClientsWrite", "true"));

    /// <summary>The fields a browser would post from the page's form: enabled inputs, checked boxes, text areas.</summary>
    private static IEnumerable<KeyValuePair<string, string>> SubmittedFields(IDocument document) =>
        document.QuerySelectorAll("form.auth-client-form input[name], form.auth-client-form textarea[name]")
            .Where(e => !e.HasAttribute("disabled"))
            .Where(e => e.GetAttribute("type") is not ("checkbox" or "radio") || e.HasAttribute("checked"))
            .Where(e => e.GetAttribute("name") != "__RequestVerificationToken")
            .Select(e => new KeyValuePair<string, string>(e.GetAttribute("name")!, e.LocalName == "textarea" ? e.TextContent : e.GetAttribute("value") ?? ""));
}
