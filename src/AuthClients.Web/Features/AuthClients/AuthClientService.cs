using System.Text.Json;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// Everything the Auth Clients page and API do to clients. Writes go through OpenIddict's
/// application manager, the same store the token endpoint reads; list reads are projections.
/// </summary>
public sealed class AuthClientService(
    AppDbContext db,
    OpenIddictApplicationManager<AuthClientApplication> manager,
    ClientSecrets secrets,
    AuthClientSearch search,
    AuditService audit,
    TimeProvider clock)
{
    public const string NameTakenMessage = "An auth client with this name already exists. Name must be unique.";
    public const string ConflictMessage = "Someone else saved this auth client after you opened it. Reload to see their changes, then edit again.";
    private const string TargetType = "auth-client";

    public async Task<ListPage<AuthClientListItem>> ListAsync(ListQuery query, CancellationToken cancellationToken = default)
    {
        var clients = db.AuthClients.AsNoTracking();
        int? total = null;
        if (query.Term is { } term)
        {
            (clients, total) = await search.FindAsync(clients, term, cancellationToken);
        }

        var rows = await clients.ToPageAsync(
            query.Page,
            query.SafePageSize,
            c => Sorted(c, query),
            a => new { a.Id, a.ClientId, a.DisplayName, a.PrimaryRedirectUri, a.RedirectUris, HasSecret = a.ProtectedSecret != null, a.CreatedAt, a.Permissions },
            cancellationToken,
            total);

        return rows.Select(r => new AuthClientListItem(
            r.Id!, r.ClientId ?? "", r.DisplayName ?? "", r.PrimaryRedirectUri,
            Math.Max(0, CountRedirects(r.RedirectUris) - 1), r.HasSecret, r.CreatedAt,
            ApiScopes(string.IsNullOrEmpty(r.Permissions) ? [] : JsonSerializer.Deserialize<string[]>(r.Permissions) ?? [])));
    }

    public async Task<AuthClientForm?> GetFormAsync(string id, CancellationToken cancellationToken = default) =>
        await manager.FindByIdAsync(id, cancellationToken) is { } application ? await ToFormAsync(application, cancellationToken) : null;

    private async Task<AuthClientForm> ToFormAsync(AuthClientApplication application, CancellationToken cancellationToken)
    {
        var permissions = await manager.GetPermissionsAsync(application, cancellationToken);
        var grants = GrantTypeChoices.FromPermissions(permissions);
        var uris = await manager.GetRedirectUrisAsync(application, cancellationToken);
        return new AuthClientForm
        {
            Name = application.DisplayName,
            EnableAuthorizationCode = grants.AuthorizationCode,
            EnableClientCredentials = grants.ClientCredentials,
            EnablePassword = grants.Password,
            EnablePersonalAccessTokens = grants.PersonalAccessTokens,
            RedirectUris = string.Join('\n', uris),
            PostLogoutRedirectUris = string.Join('\n', await manager.GetPostLogoutRedirectUrisAsync(application, cancellationToken)),
            IsPublic = await manager.HasClientTypeAsync(application, ClientTypes.Public, cancellationToken),
            ScopeAuthClientsRead = permissions.Contains(Permissions.Prefixes.Scope + OAuthScopes.AuthClientsRead),
            ScopeAuthClientsWrite = permissions.Contains(Permissions.Prefixes.Scope + OAuthScopes.AuthClientsWrite),
            ConcurrencyToken = application.ConcurrencyToken,
        };
    }

    /// <summary>The API scopes the client holds, or null when it does not exist: taking its secret hands over their rights.</summary>
    public async Task<IReadOnlyList<string>?> GetScopesAsync(string id, CancellationToken cancellationToken = default) =>
        await manager.FindByIdAsync(id, cancellationToken) is { } application
            ? ApiScopes(await manager.GetPermissionsAsync(application, cancellationToken))
            : null;

    /// <summary>The API scopes among a client's OpenIddict permissions (<c>scp:auth_clients.read</c>, ...).</summary>
    private static List<string> ApiScopes(IEnumerable<string> permissions) =>
        permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .Where(OAuthScopes.Api.Contains)
            .ToList();

    /// <summary>The internal id of the client with this public Client ID (the API addresses clients by Client ID).</summary>
    public Task<string?> FindIdAsync(string clientId, CancellationToken cancellationToken = default) =>
        db.AuthClients.AsNoTracking().Where(a => a.ClientId == clientId).Select(a => a.Id).SingleOrDefaultAsync(cancellationToken);

    public Task<string?> GetClientIdAsync(string id, CancellationToken cancellationToken = default) =>
        db.AuthClients.AsNoTracking().Where(a => a.Id == id).Select(a => a.ClientId).SingleOrDefaultAsync(cancellationToken);

    public Task<string?> GetNameAsync(string id, CancellationToken cancellationToken = default) =>
        db.AuthClients.AsNoTracking().Where(a => a.Id == id).Select(a => a.DisplayName).SingleOrDefaultAsync(cancellationToken);

    /// <param name="grantableScopes">The scopes the actor holds the rights of (<c>ScopeRights.GrantableScopes</c>): no other may be given.</param>
    public async Task<ChangeResult> CreateAsync(AuthClientForm form, string? actorId, IReadOnlySet<string> grantableScopes, CancellationToken cancellationToken = default)
    {
        if (RefusedScopeChange([], form.Scopes, grantableScopes) is { } refused)
        {
            return refused;
        }

        var name = form.Name!;
        var normalizedName = name.ToUpperInvariant();
        var (uris, logoutUris) = RegisteredUris(form);

        // On SQLite this begins IMMEDIATE: concurrent creations queue here instead of failing later.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await NameTakenAsync(normalizedName, exceptId: null, cancellationToken))
        {
            return ChangeResult.Invalid(nameof(AuthClientForm.Name), NameTakenMessage);
        }

        var number = new ClientNumber { AllocatedAt = clock.GetUtcNow().UtcDateTime };
        db.ClientNumbers.Add(number);
        await db.SaveChangesAsync(cancellationToken);

        var secret = form.IsPublic ? null : ClientSecrets.Generate();
        var application = new AuthClientApplication
        {
            Number = number.Number,
            CreatedAt = number.AllocatedAt,
            CreatedById = actorId,
            ProtectedSecret = secret is null ? null : secrets.Protect(secret),
        };
        SetListColumns(application, name, normalizedName, uris);
        await manager.PopulateAsync(application, Describe(number.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), name, form, uris, logoutUris), cancellationToken);

        audit.Record(AuditActions.AuthClientCreated, TargetType, application.ClientId!, new Dictionary<string, FieldChange>
        {
            ["name"] = new(null, name),
            ["redirect_uris"] = new(null, uris),
            ["post_logout_redirect_uris"] = new(null, logoutUris),
            ["grant_types"] = new(null, form.Grants.Names().ToList()),
            ["scopes"] = new(null, form.Scopes),
            ["client_type"] = new(null, form.IsPublic ? ClientTypes.Public : ClientTypes.Confidential),
        });

        try
        {
            if (secret is null)
            {
                await manager.CreateAsync(application, cancellationToken);
            }
            else
            {
                await manager.CreateAsync(application, secret, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request took the name between the check and the insert: the unique index refused it.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            if (await NameTakenAsync(normalizedName, exceptId: null, CancellationToken.None))
            {
                return ChangeResult.Invalid(nameof(AuthClientForm.Name), NameTakenMessage);
            }

            throw;
        }

        return ChangeResult.Saved(application.Id!);
    }

    /// <param name="grantableScopes">The scopes the actor holds the rights of: the others may be neither added nor removed.</param>
    public async Task<ChangeResult> UpdateAsync(string id, AuthClientForm form, IReadOnlySet<string> grantableScopes, CancellationToken cancellationToken = default)
    {
        var application = await manager.FindByIdAsync(id, cancellationToken);
        if (application is null)
        {
            return ChangeResult.NotFound;
        }

        if (form.ConcurrencyToken != application.ConcurrencyToken)
        {
            return ChangeResult.Conflict;
        }

        // The client type is fixed at creation: a public client never gets a secret afterwards.
        var before = await ToFormAsync(application, cancellationToken);
        form.IsPublic = before.IsPublic;
        if (!form.GrantsFitClientType)
        {
            return ChangeResult.Invalid(AuthClientForm.GrantTypesField, AuthClientForm.PublicClientGrantMessage);
        }

        if (RefusedScopeChange(before.Scopes, form.Scopes, grantableScopes) is { } refused)
        {
            return refused;
        }

        // A public client has no secret: its redirect URIs are its credential. Whoever can point them
        // elsewhere receives the codes of every user who consented, with all the client's scopes.
        var (uris, logoutUris) = RegisteredUris(form);
        if (before.IsPublic && !RedirectUriRules.Normalize(before.RedirectUris).SequenceEqual(uris) && !before.Scopes.All(grantableScopes.Contains))
        {
            return ChangeResult.Refused(nameof(AuthClientForm.RedirectUris),
                $"You cannot change the redirect URLs of this public client: they decide who receives its users' codes. {Authorization.ScopeRights.Missing(before.Scopes)}");
        }

        var name = form.Name!;
        var normalizedName = name.ToUpperInvariant();
        if (await NameTakenAsync(normalizedName, exceptId: id, cancellationToken))
        {
            return ChangeResult.Invalid(nameof(AuthClientForm.Name), NameTakenMessage);
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(descriptor, application, cancellationToken);
        var wanted = Describe(application.ClientId!, name, form, uris, logoutUris);
        descriptor.DisplayName = wanted.DisplayName;
        descriptor.RedirectUris.Clear();
        descriptor.RedirectUris.UnionWith(wanted.RedirectUris);
        descriptor.PostLogoutRedirectUris.Clear();
        descriptor.PostLogoutRedirectUris.UnionWith(wanted.PostLogoutRedirectUris);
        descriptor.Permissions.Clear();
        descriptor.Permissions.UnionWith(wanted.Permissions);
        descriptor.Requirements.Clear();
        descriptor.Requirements.UnionWith(wanted.Requirements);

        SetListColumns(application, name, normalizedName, uris);
        audit.Record(AuditActions.AuthClientUpdated, TargetType, application.ClientId!, Changes(before, form, uris, logoutUris));

        try
        {
            await manager.UpdateAsync(application, descriptor, cancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            return ChangeResult.Conflict;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await NameTakenAsync(normalizedName, exceptId: id, CancellationToken.None))
            {
                return ChangeResult.Invalid(nameof(AuthClientForm.Name), NameTakenMessage);
            }

            throw;
        }

        return ChangeResult.Saved(id);
    }

    /// <summary>Deletes the client with its tokens and authorizations, so every token it holds stops at once.</summary>
    /// <returns>The deleted client's name, or null when it did not exist.</returns>
    public async Task<string?> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        // A concurrent edit changes the concurrency token under us: then read the client again
        // and delete that version. Only when it is really gone is the answer "no longer exists".
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var application = await manager.FindByIdAsync(id, cancellationToken);
            if (application is null)
            {
                return null;
            }

            audit.Record(AuditActions.AuthClientDeleted, TargetType, application.ClientId!, new Dictionary<string, FieldChange>
            {
                ["name"] = new(application.DisplayName, null),
            });
            try
            {
                await manager.DeleteAsync(application, cancellationToken);
                return application.DisplayName;
            }
            catch (OpenIddictExceptions.ConcurrencyException)
            {
                db.ChangeTracker.Clear();
            }
        }

        return null;
    }

    /// <summary>Decrypts the client's secret for the copy action, and records that it was copied.</summary>
    public Task<string?> RevealSecretAsync(string id, CancellationToken cancellationToken = default) =>
        ReadSecretAsync(id, AuditActions.AuthClientSecretCopied, cancellationToken);

    /// <summary>
    /// Decrypts the secret of a client just created, or just given a new secret, through the API, for
    /// the response, and records that the caller was given it (nobody copied it).
    /// </summary>
    public Task<string?> IssueSecretAsync(string id, CancellationToken cancellationToken = default) =>
        ReadSecretAsync(id, AuditActions.AuthClientSecretIssued, cancellationToken);

    private async Task<string?> ReadSecretAsync(string id, string action, CancellationToken cancellationToken)
    {
        var application = await db.AuthClients.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (application?.ProtectedSecret is null)
        {
            return null;
        }

        audit.Record(action, TargetType, application.ClientId!);
        await db.SaveChangesAsync(cancellationToken);
        return secrets.Unprotect(application.ProtectedSecret);
    }

    /// <summary>Replaces the secret; OpenIddict's verifier changes in the same write, so the old one fails at once.</summary>
    public async Task<bool> RegenerateSecretAsync(string id, CancellationToken cancellationToken = default)
    {
        var application = await manager.FindByIdAsync(id, cancellationToken);
        if (application is null || await manager.HasClientTypeAsync(application, ClientTypes.Public, cancellationToken))
        {
            return false;
        }

        var secret = ClientSecrets.Generate();
        application.ProtectedSecret = secrets.Protect(secret);
        audit.Record(AuditActions.AuthClientSecretRegenerated, TargetType, application.ClientId!);
        await manager.UpdateAsync(application, secret, cancellationToken);
        return true;
    }

    /// <summary>A change to a scope whose rights the actor does not hold (checklist 38), refused with the reason.</summary>
    private static ChangeResult? RefusedScopeChange(IReadOnlyList<string> before, IReadOnlyList<string> after, IReadOnlySet<string> grantable)
    {
        var changed = before.Except(after).Concat(after.Except(before)).Where(scope => !grantable.Contains(scope)).ToList();
        return changed.Count == 0
            ? null
            : ChangeResult.Refused(AuthClientForm.ScopesField, $"You cannot add or remove the scope {string.Join(", ", changed)}. {Authorization.ScopeRights.Missing(changed)}");
    }

    /// <summary>The columns the list shows, sorts and searches on, derived from what OpenIddict stores as JSON.</summary>
    private static void SetListColumns(AuthClientApplication application, string name, string normalizedName, IReadOnlyList<string> redirectUris)
    {
        application.NormalizedName = normalizedName;
        application.PrimaryRedirectUri = redirectUris.Count > 0 ? redirectUris[0] : null;
        application.SearchText = AuthClientSearch.TextFor(name, redirectUris);
    }

    private Task<bool> NameTakenAsync(string normalizedName, string? exceptId, CancellationToken cancellationToken) =>
        db.AuthClients.AnyAsync(a => a.NormalizedName == normalizedName && a.Id != exceptId, cancellationToken);

    private static IQueryable<AuthClientApplication> Sorted(IQueryable<AuthClientApplication> clients, ListQuery query) =>
        (query.SortKey, query.SortsDescending) switch
        {
            (AuthClientSort.Name, false) => clients.OrderBy(a => a.NormalizedName).ThenByDescending(a => a.Number),
            (AuthClientSort.Name, true) => clients.OrderByDescending(a => a.NormalizedName).ThenByDescending(a => a.Number),
            (AuthClientSort.Redirect, false) => clients.OrderBy(a => a.PrimaryRedirectUri).ThenByDescending(a => a.Number),
            (AuthClientSort.Redirect, true) => clients.OrderByDescending(a => a.PrimaryRedirectUri).ThenByDescending(a => a.Number),
            (_, false) => clients.OrderBy(a => a.Number),
            _ => clients.OrderByDescending(a => a.Number),
        };

    /// <summary>
    /// The redirect and post-logout redirect URIs to store, in canonical form: what the endpoints
    /// compare. They serve the authorization code grant only; without it none are kept.
    /// </summary>
    private static (IReadOnlyList<string> Redirect, IReadOnlyList<string> PostLogout) RegisteredUris(AuthClientForm form) =>
        form.EnableAuthorizationCode
            ? (RedirectUriRules.Normalize(form.RedirectUris), RedirectUriRules.Normalize(form.PostLogoutRedirectUris))
            : ([], []);

    private static OpenIddictApplicationDescriptor Describe(string clientId, string name, AuthClientForm form, IReadOnlyList<string> redirectUris, IReadOnlyList<string> postLogoutRedirectUris)
    {
        var grants = form.Grants;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = name,
            ClientType = form.IsPublic ? ClientTypes.Public : ClientTypes.Confidential,
            ConsentType = ConsentTypes.Explicit,
        };
        descriptor.Permissions.UnionWith(grants.ToPermissions(form.IsPublic));
        descriptor.Permissions.UnionWith(form.Scopes.Select(scope => Permissions.Prefixes.Scope + scope));
        descriptor.RedirectUris.UnionWith(redirectUris.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.PostLogoutRedirectUris.UnionWith(postLogoutRedirectUris.Select(u => new Uri(u, UriKind.Absolute)));
        if (grants.AuthorizationCode)
        {
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        return descriptor;
    }

    private static Dictionary<string, FieldChange> Changes(AuthClientForm before, AuthClientForm after, IReadOnlyList<string> afterUris, IReadOnlyList<string> afterLogoutUris)
    {
        var changes = new Dictionary<string, FieldChange>();
        if (before.Name != after.Name)
        {
            changes["name"] = new(before.Name, after.Name);
        }

        var beforeUris = RedirectUriRules.Split(before.RedirectUris);
        if (!beforeUris.SequenceEqual(afterUris))
        {
            changes["redirect_uris"] = new(beforeUris, afterUris);
        }

        var beforeLogoutUris = RedirectUriRules.Split(before.PostLogoutRedirectUris);
        if (!beforeLogoutUris.SequenceEqual(afterLogoutUris))
        {
            changes["post_logout_redirect_uris"] = new(beforeLogoutUris, afterLogoutUris);
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

        return changes;
    }

    private static int CountRedirects(string? json) =>
        string.IsNullOrEmpty(json) ? 0 : JsonSerializer.Deserialize<string[]>(json)?.Length ?? 0;
}
