using System.Security.Claims;
using AuthClients.Web.Connect;
using OpenIddict.Abstractions;

namespace AuthClients.Web.Authorization;

/// <summary>
/// What each API scope lets its bearer do, in the permission catalogue's terms, and the rule built
/// on it: nobody obtains through a client a right they do not hold themselves (checklist 38).
/// Revealing or rotating a client's secret hands over every right its scopes grant, and giving a
/// client a scope hands over that scope's rights; both need the actor to hold them already.
/// </summary>
public static class ScopeRights
{
    /// <summary>The permissions a client-credentials token with this scope acts with (the API's policies).</summary>
    public static IReadOnlyList<Permission> GrantedBy(string scope) => scope switch
    {
        OAuthScopes.AuthClientsRead => ReadGrants,
        OAuthScopes.AuthClientsWrite => WriteGrants,
        _ => [],
    };

    // Read on every API request by the policies: built once.
    private static readonly Permission[] ReadGrants = [Permissions.AuthClients.View];
    private static readonly Permission[] WriteGrants = [Permissions.AuthClients.Create, Permissions.AuthClients.Edit, Permissions.AuthClients.Delete];

    /// <summary>The scope an API call needs for an action; null when no scope gives it (Users and Groups have no API).</summary>
    public static string? ScopeFor(Permission permission) =>
        OAuthScopes.Api.FirstOrDefault(scope => GrantedBy(scope).Contains(permission));

    /// <summary>
    /// Whether the actor holds <paramref name="permission"/>: a person signed in to the pages by their
    /// permissions (or Super Admin); a person's token also needs the scope; a client's token by its scopes alone.
    /// </summary>
    public static bool Holds(this ClaimsPrincipal actor, Permission permission) =>
        actor.GetClaim(AppClaimTypes.SubjectKind) switch
        {
            SubjectKinds.Client => ScopeFor(permission) is { } scope && actor.HasScope(scope),
            SubjectKinds.User => ScopeFor(permission) is { } scope && actor.HasScope(scope) && actor.Can(permission),
            _ => actor.Can(permission),
        };

    /// <summary>Whether the actor holds every right <paramref name="scope"/> grants, so may give it to a client.</summary>
    public static bool MayGrant(this ClaimsPrincipal actor, string scope) => GrantedBy(scope).All(actor.Holds);

    /// <summary>Whether the actor may take the client's secret (reveal or rotate it): they hold every right its scopes grant.</summary>
    public static bool MayTakeSecretOf(this ClaimsPrincipal actor, IEnumerable<string> clientScopes) => clientScopes.All(actor.MayGrant);

    /// <summary>The scopes this actor may give a client; any other scope of a client stays as it is.</summary>
    public static IReadOnlySet<string> GrantableScopes(this ClaimsPrincipal actor) =>
        OAuthScopes.Api.Where(actor.MayGrant).ToHashSet(StringComparer.Ordinal);

    /// <summary>The names of the permissions these scopes grant, such as "Create Auth Clients, Edit Auth Clients".</summary>
    public static string Needed(IEnumerable<string> scopes) =>
        string.Join(", ", scopes.SelectMany(GrantedBy).Distinct().Select(p => p.Name));

    /// <summary>Why the actor may not take a client's secret or change a scope, for the page and the API.</summary>
    public static string Missing(IEnumerable<string> scopes) =>
        $"It needs {Needed(scopes)}, which the client's scopes grant and you do not hold.";
}
