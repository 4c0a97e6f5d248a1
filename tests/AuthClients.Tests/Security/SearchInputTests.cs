using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Security;

/// <summary>
/// Security checklist 39: what a person types in a search box is text to look for, never syntax for
/// the database (LIKE wildcards, full-text operators, quotes) and never a reason for a 500 (a NUL,
/// which PostgreSQL cannot take, control characters, broken escapes, very long input). Every list is
/// covered: Auth Clients (page and API), Users, Groups, and a group's "add members" search.
/// </summary>
public sealed class SearchInputTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    /// <summary>Characters that mean something to LIKE, FTS5, SQL or a URL decoder, put in names.</summary>
    private static readonly string[] Specials =
    [
        "%", "_", "[a]", "[", "]", "\\", "'", "\"", "\"\"", "*", " OR ", " AND ", "NEAR(", "^", "-", ":", "(", "+", "{", ";--", "|", "$", "é", "😀",
    ];

    /// <summary>Query-string values as sent (already percent-encoded), meant to break whatever reads them.</summary>
    private static readonly string[] OddQueryValues =
    [
        "%00", "abc%00", "%00abc%00", "%01%1B%7F", "%C2%85", "%0D%0A", "%", "%zz", "%%", "%ED%A0%80", "%FF%FE", "%C3%28",
        "%22", "%22%22%22", "%27", "%5C", "*", "NEAR%28a", "a%20OR%20b", "-a", "%5Ba-z%5D", "_", "%25", "%25%25", "%EF%BF%BF",
        new string('a', 5000), string.Concat(Enumerable.Repeat("%F0%9F%98%80", 500)), "%20%20%20", "",
    ];

    [Fact]
    public async Task OddCharacters_FindExactlyTheNamesThatContainThem_InEveryList()
    {
        var admin = await app.SignedInAsAdminAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var names = Specials.Select(s => $"{tag}{s}z").Append($"{tag}az").ToList();
        var clients = new Dictionary<string, StoredClient>();
        var users = new Dictionary<string, (string Id, string Email)>();
        var groups = new Dictionary<string, string>();
        foreach (var name in names)
        {
            clients[name] = await app.CreateStoredClientAsync(name);
            users[name] = await CreateUserNamedAsync(name);
            groups[name] = await app.CreateGroupAsync(name: name);
        }

        var memberGroup = await app.CreateGroupAsync();
        var terms = Specials.Select(s => $"{tag}{s}")
            .Concat([$"{tag}a\0z", $"{tag}\u0001%", $"{tag.ToUpperInvariant()}_Z", $"\t{tag}\"\" ", $"{tag}\u0085[a]"]);
        var failures = new List<string>();
        foreach (var term in terms)
        {
            var plain = new string(term.Where(c => !char.IsControl(c)).ToArray()).Trim();
            var expected = names.Where(n => n.Contains(plain, StringComparison.OrdinalIgnoreCase)).Order().ToList();
            var query = "search=" + Uri.EscapeDataString(term);

            Compare(failures, "Auth Clients page", term, expected, await FoundAsync(admin, $"{AuthClientPages.List}?{query}&perPage=100", clients.ToDictionary(c => c.Key, c => c.Value.Id)));
            Compare(failures, "Auth Clients API", term, expected, await FoundInApiAsync(token, query, clients.ToDictionary(c => c.Key, c => c.Value.ClientId)));
            Compare(failures, "Users page", term, expected, await FoundAsync(admin, $"{UserGroupPages.Users}?{query}&perPage=100", users.ToDictionary(u => u.Key, u => $"/admin/users/{u.Value.Id}/edit")));
            Compare(failures, "Groups page", term, expected, await FoundAsync(admin, $"{UserGroupPages.Groups}?{query}&perPage=100", groups.ToDictionary(g => g.Key, g => $"/admin/groups/{g.Value}/edit")));
            Compare(failures, "group members search", term, expected, await FoundAsync(admin, $"{UserGroupPages.Groups}/{memberGroup}/members?find={Uri.EscapeDataString(term)}", users.ToDictionary(u => u.Key, u => $"Add {u.Value.Email} to the group")));
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task EverySearchBox_AnswersOddInputWithItsList_NeverAnError()
    {
        var admin = await app.SignedInAsAdminAsync();
        var token = await app.ClientAccessTokenAsync("auth_clients.read");
        var groupId = await app.CreateGroupAsync();
        var http = app.CreateClient();
        var failures = new List<string>();
        var sent = 0;
        foreach (var value in OddQueryValues)
        {
            // The other list parameters get odd values too, in turn.
            var extra = (sent / 5 % 4) switch
            {
                0 => "",
                1 => "&sort=" + value + "&dir=" + value,
                2 => "&page=-1&perPage=" + value,
                _ => "&page=99999999999&per_page=0",
            };
            foreach (var url in new[]
            {
                $"{AuthClientPages.List}?search={value}{extra}", $"{UserGroupPages.Users}?search={value}{extra}",
                $"{UserGroupPages.Groups}?search={value}{extra}", $"{UserGroupPages.Groups}/{groupId}/members?find={value}{extra}",
            })
            {
                var response = await admin.GetAsync(url);
                var html = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || !html.Contains("type=\"search\"", StringComparison.Ordinal))
                {
                    failures.Add($"{Start(url)}: {(int)response.StatusCode}");
                }

                sent++;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/1.0/auth-clients?search={value}{extra}");
            request.Headers.Authorization = new("Bearer", token);
            var api = await http.SendAsync(request);
            var body = await api.Content.ReadAsStringAsync();
            var answered = api.StatusCode == HttpStatusCode.OK
                ? body.Contains("\"data\":", StringComparison.Ordinal)
                : api.StatusCode == HttpStatusCode.BadRequest && api.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (!answered)
            {
                failures.Add($"API {Start(value + extra)}: {(int)api.StatusCode} {Start(body)}");
            }

            sent++;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} searches failed:\n" + string.Join('\n', failures));
    }

    private static void Compare(List<string> failures, string list, string term, List<string> expected, IReadOnlyList<string> found)
    {
        if (!expected.SequenceEqual(found))
        {
            failures.Add($"{list}, \"{Printable(term)}\": found [{string.Join(", ", found.Select(Printable))}], expected [{string.Join(", ", expected.Select(Printable))}]");
        }
    }

    /// <summary>Which of the named records the page shows, each recognised by a text only its row holds.</summary>
    private static async Task<IReadOnlyList<string>> FoundAsync(HttpClient browser, string url, Dictionary<string, string> markers)
    {
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return markers.Where(m => html.Contains(m.Value, StringComparison.Ordinal)).Select(m => m.Key).Order().ToList();
    }

    private async Task<IReadOnlyList<string>> FoundInApiAsync(string token, string query, Dictionary<string, string> clientIds)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/1.0/auth-clients?{query}&per_page=100");
        request.Headers.Authorization = new("Bearer", token);
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var listed = body.RootElement.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("client_id").GetString()).ToHashSet();
        return clientIds.Where(c => listed.Contains(c.Value)).Select(c => c.Key).Order().ToList();
    }

    /// <summary>A user whose first name is <paramref name="name"/> (no password: none is needed to be listed).</summary>
    private Task<(string Id, string Email)> CreateUserNamedAsync(string name) =>
        app.WithServicesAsync(async services =>
        {
            var email = $"search-{Guid.NewGuid():N}@example.test";
            var user = new AppUser { UserName = email, Email = email, FirstName = name, LastName = "Searched", CreatedAt = DateTime.UtcNow };
            var result = await services.GetRequiredService<UserManager<AppUser>>().CreateAsync(user);
            Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
            return (user.Id, email);
        });

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string Start(string text) => text.Length > 120 ? text[..120] + "..." : text;
}
