using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace AuthClients.Bench;

/// <summary>What the OpenIddict reference server answered under the same loads as the app.</summary>
internal sealed record ReferenceFigures(LoadResult Tokens, LoadResult Refresh, long TokenRows, IReadOnlyDictionary<string, long> Rss);

/// <summary>
/// How the bench talks to bench/ReferenceServer: its settings, the clients it adds at start (with the
/// secrets it hashes itself), and refresh tokens minted with its password grant.
/// </summary>
internal static class ReferenceBench
{
    private const int ClientCount = 16;

    // The one user bench/ReferenceServer knows (its ReferenceUser): the two are separate programs.
    private const string UserName = "bench-user";
    private const string UserPassword = "bench-password";

    /// <summary>The clients the reference server adds at start (its Reference:Clients setting names how many).</summary>
    public static IReadOnlyList<BenchClient> Clients { get; } =
        [.. Enumerable.Range(1, ClientCount).Select(i => new BenchClient($"reference-client-{i}", $"reference-secret-{i}"))];

    public static IReadOnlyDictionary<string, string?> Settings(BenchDatabase database) =>
        new Dictionary<string, string?>(database.AppSettings) { ["Reference:Clients"] = ClientCount.ToString(CultureInfo.InvariantCulture) };

    /// <summary><paramref name="count"/> refresh tokens of the bench user, each the start of a chain, minted 8 at a time.</summary>
    public static async Task<IReadOnlyList<string>> RefreshTokensAsync(Uri baseAddress, int count)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var client = Clients[0];
        var tokens = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancel) =>
        {
            using var form = new FormUrlEncodedContent([
                new("grant_type", "password"), new("username", UserName), new("password", UserPassword), new("scope", "offline_access"),
                new("client_id", client.ClientId), new("client_secret", client.Secret)]);
            using var response = await http.PostAsync("connect/token", form, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            using var json = JsonDocument.Parse(body);
            tokens.Add(response.IsSuccessStatusCode && json.RootElement.TryGetProperty("refresh_token", out var token)
                ? token.GetString()!
                : throw new InvalidOperationException($"The reference server's password grant answered {(int)response.StatusCode}: {body}"));
        });
        return [.. tokens];
    }
}
