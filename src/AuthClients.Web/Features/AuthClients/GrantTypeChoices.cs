using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The grant types an administrator can enable on the form.</summary>
public sealed record GrantTypeChoices(
    bool AuthorizationCode,
    bool ClientCredentials,
    bool Password,
    bool PersonalAccessTokens)
{
    /// <summary>OpenIddict has no notion of personal access tokens: this permission marks the client that issues them.</summary>
    public const string PersonalAccessTokensPermission = "ext:personal_access_tokens";

    public bool Any => AuthorizationCode || ClientCredentials || Password || PersonalAccessTokens;

    /// <summary>
    /// The OpenIddict permissions that let exactly these grants through. Each choice adds its own
    /// set, so combining choices never removes another's (the anchor's combined grant types could
    /// silently disable the authorization code flow).
    /// </summary>
    public HashSet<string> ToPermissions(bool isPublic = false)
    {
        // Introspection needs client authentication, which a public client cannot do.
        var permissions = new HashSet<string>(StringComparer.Ordinal) { Permissions.Endpoints.Revocation };
        if (!isPublic)
        {
            permissions.Add(Permissions.Endpoints.Introspection);
        }

        if (AuthorizationCode)
        {
            permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email, Permissions.Scopes.Profile,
            ]);
        }

        if (ClientCredentials)
        {
            permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        }

        if (Password)
        {
            permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken]);
        }

        if (PersonalAccessTokens)
        {
            permissions.Add(PersonalAccessTokensPermission);
        }

        return permissions;
    }

    public static GrantTypeChoices FromPermissions(IEnumerable<string> permissions)
    {
        var set = permissions.ToHashSet(StringComparer.Ordinal);
        return new GrantTypeChoices(
            set.Contains(Permissions.GrantTypes.AuthorizationCode),
            set.Contains(Permissions.GrantTypes.ClientCredentials),
            set.Contains(Permissions.GrantTypes.Password),
            set.Contains(PersonalAccessTokensPermission));
    }

    public IEnumerable<string> Names()
    {
        if (AuthorizationCode) yield return "authorization_code";
        if (ClientCredentials) yield return "client_credentials";
        if (Password) yield return "password";
        if (PersonalAccessTokens) yield return "personal_access_tokens";
    }
}
