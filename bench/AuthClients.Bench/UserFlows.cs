using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AuthClients.Bench;

/// <summary>
/// What a user-facing app does, for the refresh, code and user-API rows: the bench administrator
/// signs in through the login form, consents once on the consent page, and then each
/// <c>GET /connect/authorize</c> (code flow, PKCE S256) answers at once with a redirect carrying a
/// new code, as for a returning user. The codes are exchanged for tokens at the token endpoint
/// (confidential client, its secret in the form); each exchange gives an access token and a refresh token.
/// </summary>
internal sealed class UserFlows : IDisposable
{
    public const string RedirectUri = "http://127.0.0.1/bench-callback";
    private const string Scopes = "openid offline_access auth_clients.read";

    private readonly HttpClient _user;
    private readonly HttpClient _client;
    private readonly string _authorizePath;

    private UserFlows(HttpClient user, Uri baseAddress, BenchClient client)
    {
        _user = user;
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Client = client;
        // One verifier for every code: each code is still single use, and PKCE is checked on each exchange.
        Verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));
        _authorizePath = "connect/authorize?response_type=code&client_id=" + client.ClientId +
            "&redirect_uri=" + Uri.EscapeDataString(RedirectUri) + "&scope=" + Uri.EscapeDataString(Scopes) +
            "&code_challenge=" + challenge + "&code_challenge_method=S256&state=bench";
    }

    public BenchClient Client { get; }

    /// <summary>The PKCE code verifier of every code minted here.</summary>
    public string Verifier { get; }

    /// <summary>Signs the bench administrator in and gives the client consent (the consent page's Allow).</summary>
    public static async Task<UserFlows> StartAsync(Uri baseAddress, BenchClient client)
    {
        var user = await AdminPages.SignInAsync(baseAddress);
        var flows = new UserFlows(user, baseAddress, client);
        var page = await user.GetStringAsync(flows._authorizePath);
        // The consent form's fields; the layout's other forms (sign-out) carry an anti-forgery token too: once is enough.
        var form = AdminPages.HiddenFields(page).DistinctBy(field => field.Key).Append(new("submit.Accept", "Allow")).ToList();
        using var content = new FormUrlEncodedContent(form);
        using var response = await user.PostAsync("connect/authorize", content);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Consenting answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return flows;
    }

    /// <summary><paramref name="count"/> new codes, minted by 8 requests at a time; the elapsed time too.</summary>
    public async Task<(IReadOnlyList<string> Codes, TimeSpan Elapsed)> MintCodesAsync(int count)
    {
        var codes = new ConcurrentBag<string>();
        var started = DateTime.UtcNow;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancel) =>
        {
            using var response = await _user.GetAsync(_authorizePath, cancel);
            codes.Add(CodeFrom(response));
        });
        return ([.. codes], DateTime.UtcNow - started);
    }

    /// <summary>Exchanges each code for tokens (8 at a time): the access and refresh tokens it gave.</summary>
    public async Task<IReadOnlyList<(string AccessToken, string RefreshToken)>> ExchangeAsync(IReadOnlyList<string> codes)
    {
        var tokens = new ConcurrentBag<(string, string)>();
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (code, cancel) =>
        {
            using var form = new FormUrlEncodedContent([
                new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUri), new("code_verifier", Verifier),
                new("client_id", Client.ClientId), new("client_secret", Client.Secret)]);
            using var response = await _client.PostAsync("connect/token", form, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The code exchange answered {(int)response.StatusCode}: {body}");
            }

            using var json = JsonDocument.Parse(body);
            tokens.Add((json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("refresh_token").GetString()!));
        });
        return [.. tokens];
    }

    /// <summary>The arguments code.lua reads after the codes file.</summary>
    public string[] CodeScriptArguments(string codesFile) => [codesFile, Client.ClientId, Client.Secret, Uri.EscapeDataString(RedirectUri), Verifier];

    public void Dispose()
    {
        _user.Dispose();
        _client.Dispose();
    }

    private static string CodeFrom(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        var query = location is null ? null : System.Web.HttpUtility.ParseQueryString(location.Query);
        return response.StatusCode == HttpStatusCode.Redirect && query?["code"] is { Length: > 0 } code
            ? code
            : throw new InvalidOperationException($"The authorization endpoint answered {(int)response.StatusCode} to {location} without a code.");
    }
}
