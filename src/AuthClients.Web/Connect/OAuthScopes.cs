using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>The scopes and the API resource this authorization server knows.</summary>
public static class OAuthScopes
{
    /// <summary>The audience (<c>aud</c>) of every access token: this application's REST API.</summary>
    public const string ApiResource = "authclients-api";

    public const string AuthClientsRead = "auth_clients.read";
    public const string AuthClientsWrite = "auth_clients.write";

    /// <summary>The scopes that give rights in this application's API (see Authorization.ScopeRights).</summary>
    public static readonly string[] Api = [AuthClientsRead, AuthClientsWrite];

    public static readonly string[] All =
        [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, AuthClientsRead, AuthClientsWrite];

    public static string Describe(string scope) => scope switch
    {
        Scopes.OpenId => "Know who you are",
        Scopes.Profile => "Read your name",
        Scopes.Email => "Read your email address",
        Scopes.OfflineAccess => "Stay signed in (refresh tokens)",
        AuthClientsRead => "Read auth clients, as your permissions allow",
        AuthClientsWrite => "Create, change and delete auth clients, as your permissions allow",
        _ => scope,
    };
}
