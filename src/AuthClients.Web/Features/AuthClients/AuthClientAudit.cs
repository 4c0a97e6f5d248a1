using AuthClients.Web.Features.Audit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>What the audit trail says about a client's settings. Records never hold a secret.</summary>
internal static class AuthClientAudit
{
    public const string TargetType = "auth-client";

    /// <param name="redirectUris">As stored (canonical), as are <paramref name="postLogoutRedirectUris"/>.</param>
    public static Dictionary<string, FieldChange> Created(AuthClientSettings settings, IReadOnlyList<string> redirectUris, IReadOnlyList<string> postLogoutRedirectUris) => new Dictionary<string, FieldChange>
    {
        ["name"] = new(null, settings.Name),
        ["redirect_uris"] = new(null, redirectUris),
        ["post_logout_redirect_uris"] = new(null, postLogoutRedirectUris),
        ["grant_types"] = new(null, settings.Grants.Names().ToList()),
        ["scopes"] = new(null, settings.Scopes),
        ["client_type"] = new(null, settings.IsPublic ? ClientTypes.Public : ClientTypes.Confidential),
        ["enabled"] = new(null, settings.Enabled),
    }.WithLifetimes(new AuthClientSettings(), settings);

    /// <summary>The fields that differ, each with its value before and after.</summary>
    public static Dictionary<string, FieldChange> Changes(AuthClientSettings before, AuthClientSettings after, IReadOnlyList<string> afterUris, IReadOnlyList<string> afterLogoutUris)
    {
        var changes = new Dictionary<string, FieldChange>();
        if (before.Name != after.Name)
        {
            changes["name"] = new(before.Name, after.Name);
        }

        if (!before.RedirectUris.SequenceEqual(afterUris))
        {
            changes["redirect_uris"] = new(before.RedirectUris, afterUris);
        }

        if (!before.PostLogoutRedirectUris.SequenceEqual(afterLogoutUris))
        {
            changes["post_logout_redirect_uris"] = new(before.PostLogoutRedirectUris, afterLogoutUris);
        }

        var beforeGrants = before.Grants.Names().ToList();
        var afterGrants = after.Grants.Names().ToList();
        if (!beforeGrants.SequenceEqual(afterGrants))
        {
            changes["grant_types"] = new(beforeGrants, afterGrants);
        }

        if (!before.Scopes.SequenceEqual(after.Scopes))
        {
            changes["scopes"] = new(before.Scopes, after.Scopes);
        }

        if (before.Enabled != after.Enabled)
        {
            changes["enabled"] = new(before.Enabled, after.Enabled);
        }

        return changes.WithLifetimes(before, after);
    }

    /// <summary>Adds each token lifetime that differs, in seconds under its API name (null: the server's default).</summary>
    private static Dictionary<string, FieldChange> WithLifetimes(this Dictionary<string, FieldChange> changes, AuthClientSettings before, AuthClientSettings after)
    {
        foreach (var rule in TokenLifetimeRules.All)
        {
            if (rule.Of(before) != rule.Of(after))
            {
                changes[rule.ApiField] = new(TokenLifetimeRules.ToSeconds(rule.Of(before)), TokenLifetimeRules.ToSeconds(rule.Of(after)));
            }
        }

        return changes;
    }
}
