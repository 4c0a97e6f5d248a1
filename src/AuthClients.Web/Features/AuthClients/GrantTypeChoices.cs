using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The grant types an administrator can enable on a client.</summary>
public sealed record GrantTypeChoices(
    bool AuthorizationCode = false,
    bool ClientCredentials = false,
    bool Password = false,
    bool PersonalAccessTokens = false)
{
    /// <summary>The name of the personal access tokens "grant": ours, not OAuth's, so OpenIddict has no constant for it.</summary>
    public const string PersonalAccessTokensName = "personal_access_tokens";

    /// <summary>OpenIddict has no notion of personal access tokens: this permission marks the client that issues them.</summary>
    public const string PersonalAccessTokensPermission = "ext:" + PersonalAccessTokensName;

    /// <summary>Every grant type's name, as the API and the audit trail spell it, in the order they list them.</summary>
    public static readonly IReadOnlyList<string> AllNames =
        [GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials, GrantTypes.Password, PersonalAccessTokensName];

    public bool Any => AuthorizationCode || ClientCredentials || Password || PersonalAccessTokens;

    /// <summary>
    /// The OpenIddict permissions that let exactly these grants through. Each choice adds its own
    /// set, so combining choices never removes another's (were one choice to replace the set, enabling
    /// a second grant could silently disable the authorization code flow).
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

    /// <summary>The names of the chosen grant types, in the order of <see cref="AllNames"/>.</summary>
    public IEnumerable<string> Names() => AllNames.Where(Includes);

    /// <summary>The choices these names ask for; names not in <see cref="AllNames"/> are ignored (see <see cref="Unknown"/>).</summary>
    public static GrantTypeChoices FromNames(IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return new GrantTypeChoices(
            set.Contains(GrantTypes.AuthorizationCode),
            set.Contains(GrantTypes.ClientCredentials),
            set.Contains(GrantTypes.Password),
            set.Contains(PersonalAccessTokensName));
    }

    /// <summary>The names among <paramref name="names"/> that are no grant type, each once.</summary>
    public static IEnumerable<string> Unknown(IEnumerable<string> names) => names.Except(AllNames, StringComparer.Ordinal);

    private bool Includes(string name) => name switch
    {
        GrantTypes.AuthorizationCode => AuthorizationCode,
        GrantTypes.ClientCredentials => ClientCredentials,
        GrantTypes.Password => Password,
        _ => PersonalAccessTokens,
    };
}
