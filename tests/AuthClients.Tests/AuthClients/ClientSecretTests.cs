using System.Buffers.Text;
using System.Net;
using System.Text;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The client secret: strong, copied on demand and never cached, replaceable, and never written
/// anywhere in plain text (not in the database file, not in the log, not in a page).
/// </summary>
public sealed class ClientSecretTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task CopiedSecret_IsAcceptedByOpenIddict()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());

        var secret = await browser.CopySecretAsync(id);

        Assert.True(await ValidateAsync(id, secret));
        Assert.False(await ValidateAsync(id, ClientSecrets.Generate()));
    }

    [Fact]
    public async Task CopiedSecret_Is43UrlSafeCharactersCarrying256Bits()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());

        var secret = await browser.CopySecretAsync(id);

        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(32, Base64Url.DecodeFromChars(secret).Length);
    }

    [Fact]
    public void GeneratedSecrets_AreAllDifferent()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => ClientSecrets.Generate()).ToList();

        Assert.Equal(1000, secrets.Distinct(StringComparer.Ordinal).Count());
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
    }

    [Fact]
    public async Task CopySecret_IsNeverCached()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());

        var response = await browser.RequestSecretAsync(id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control is \"{response.Headers.CacheControl}\".");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CopySecret_Twice_GivesTheSameSecret()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());

        Assert.Equal(await browser.CopySecretAsync(id), await browser.CopySecretAsync(id));
    }

    [Fact]
    public async Task RegenerateSecret_ReplacesItAndTheOldOneStopsWorking()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());
        var old = await browser.CopySecretAsync(id);

        var response = await browser.RegenerateSecretAsync(id);

        Assert.Equal(AuthClientPages.EditPage(id), response.Headers.Location?.OriginalString);
        var edit = await browser.FollowRedirectAsync(response);
        Assert.Equal("A new client secret was generated. The previous secret no longer works.", edit.StatusMessage());
        var renewed = await browser.CopySecretAsync(id);
        Assert.NotEqual(old, renewed);
        Assert.False(await ValidateAsync(id, old));
        Assert.True(await ValidateAsync(id, renewed));
    }

    [Fact]
    public async Task EditPage_RotateSecret_AsksForTheGracePeriodFirst_EndNowIncluded()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);

        var page = await browser.GetDocumentAsync(AuthClientPages.EditPage(id));

        Assert.DoesNotContain(page.QuerySelectorAll("button"), b => b.Text() == "Regenerate secret");
        var button = page.QuerySelectorAll("button").Single(b => b.Text() == "Rotate secret" && b.GetAttribute("data-bs-target") is not null);
        Assert.Equal("button", button.GetAttribute("type"));
        var dialog = page.QuerySelector(button.GetAttribute("data-bs-target")!)!;
        Assert.Equal("Rotate secret", dialog.QuerySelector(".modal-title")!.Text());
        Assert.Contains(name, dialog.QuerySelector(".modal-body")!.Text(), StringComparison.Ordinal);
        Assert.Equal(AuthClientPages.RotateSecretUrl(id), dialog.QuerySelector("form")!.GetAttribute("action"));
        Assert.Equal(["End now", "1 hour", "1 day", "7 days", "30 days"], dialog.QuerySelectorAll("select[name='Rotation.GracePeriod'] option").Select(o => o.Text()));
        Assert.Equal("7 days", dialog.QuerySelector("select[name='Rotation.GracePeriod'] option[selected]")!.Text());
        Assert.Equal(["Cancel", "Rotate secret"], dialog.QuerySelectorAll(".modal-footer button").Select(b => b.Text()));
    }

    [Fact]
    public async Task CopySecret_AfterARestart_GivesTheSameWorkingSecret()
    {
        using var database = TestDatabase.Create();
        string id, secret;
        await using (var before = new AuthClientsAppFactory { Database = database })
        {
            var browser = await before.SignedInAsAdminAsync();
            id = await browser.CreateClientAsync("survives restarts");
            secret = await browser.CopySecretAsync(id);
        }

        await using var after = new AuthClientsAppFactory { Database = database };
        var again = await after.SignedInAsAdminAsync();

        Assert.Equal(secret, await again.CopySecretAsync(id));
        Assert.True(await after.WithServicesAsync(services => ValidateAsync(services, id, secret)));
    }

    [Fact]
    public async Task Secret_IsNotInTheListOrTheEditPage()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var secret = await browser.CopySecretAsync(id);

        var list = await browser.GetStringAsync($"{AuthClientPages.List}?search={name}");
        var edit = await browser.GetStringAsync(AuthClientPages.EditPage(id));

        Assert.Contains(name, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Contains(name, edit, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, edit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_IsNowhereInTheDatabaseFiles()
    {
        var (_, name, _, first, second) = await ClientWithTwoSecretsAsync();

        if (app.Database.IsPostgreSql)
        {
            // A server, not a file: the same search, through every row of every table.
            Assert.True(await app.Database.CountRowsContainingAsync(name) > 0, "The control: the client's name is stored in plain text.");
            Assert.Equal(0, await app.Database.CountRowsContainingAsync(first));
            Assert.Equal(0, await app.Database.CountRowsContainingAsync(second));
            return;
        }

        var files = new[] { app.Database.Name, app.Database.Name + "-wal" }.Where(File.Exists).Select(ReadShared).ToList();

        // The control: the client's name is written in plain text, so the search does reach the data.
        Assert.Contains(files, bytes => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0);
        foreach (var secret in new[] { first, second })
        {
            foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                var needle = encoding.GetBytes(secret);
                Assert.All(files, bytes => Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"The secret is in the database in {encoding.WebName}."));
            }
        }
    }

    [Fact]
    public async Task Secret_IsInNoLogLine()
    {
        var (browser, _, id, first, second) = await ClientWithTwoSecretsAsync();
        await browser.DeleteClientAsync(id);

        var lines = app.LogLines.ToList();

        Assert.Contains(lines, l => l.Contains(AuthClientPages.SecretUrl(id), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(first, StringComparison.Ordinal) || l.Contains(second, StringComparison.Ordinal));
    }

    private static string NewName() => $"client {Guid.NewGuid():N}";

    /// <summary>A client created on the page by the administrator, with its first secret and the one that replaced it, both copied.</summary>
    private async Task<(HttpClient Browser, string Name, string Id, string First, string Second)> ClientWithTwoSecretsAsync()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);
        var first = await browser.CopySecretAsync(id);
        await browser.RegenerateSecretAsync(id);
        return (browser, name, id, first, await browser.CopySecretAsync(id));
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private Task<bool> ValidateAsync(string id, string secret) =>
        app.WithServicesAsync(services => ValidateAsync(services, id, secret));

    private static async Task<bool> ValidateAsync(IServiceProvider services, string id, string secret)
    {
        var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await manager.FindByIdAsync(id);
        Assert.NotNull(application);
        return await manager.ValidateClientSecretAsync(application, secret);
    }
}
