using System.Globalization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// The outcome of a change that makes a new secret (creating a client, regenerating its secret),
/// with that secret: null for a public client, or when nothing was saved.
/// </summary>
public sealed record AuthClientSecretChange(ChangeResult Result, string? Secret)
{
    /// <summary>When a rotation's previous secret stops working (end of its grace period, or now); null when there was none.</summary>
    public DateTime? PreviousValidUntil { get; init; }
}

/// <summary>
/// Creates, changes and deletes clients, through OpenIddict's application manager (the store the
/// token endpoint reads), each write with its audit record.
/// </summary>
public sealed class AuthClientCommands(
    AppDbContext db,
    OpenIddictApplicationManager<AuthClientApplication> manager,
    AuthClientQueries queries,
    AuthClientCredentials credentials,
    AuditService audit,
    TimeProvider clock)
{
    /// <summary>The API's answer when a client goes away during a change (it names clients by Client ID, not by page).</summary>
    public const string GoneMessage = "This auth client no longer exists.";

    /// <summary>The warning on the Auth Clients list when a page's client was deleted meanwhile.</summary>
    public const string MissingMessage = GoneMessage + " It may have been deleted by someone else.";

    public const string NameTakenMessage = "An auth client with this name already exists. Name must be unique.";
    public const string ConflictMessage = "Someone else saved this auth client after you opened it. Reload to see their changes, then edit again.";

    private static readonly ChangeResult NameTaken = ChangeResult.Invalid(nameof(AuthClientSettings.Name), NameTakenMessage);

    /// <param name="grantableScopes">The scopes the actor holds the rights of (<c>ScopeRights.GrantableScopes</c>): no other may be given.</param>
    public async Task<AuthClientSecretChange> CreateAsync(AuthClientSettings settings, string? actorId, IReadOnlySet<string> grantableScopes, CancellationToken cancellationToken = default)
    {
        if ((Unacceptable(settings) ?? RefusedScopeChange([], settings.Scopes, grantableScopes)) is { } refused)
        {
            return new(refused, null);
        }

        if (!settings.IsPublic && AuthClientCredentials.LabelProblem(settings.SecretLabel) is { } badLabel)
        {
            return new(ChangeResult.Invalid(nameof(AuthClientSettings.SecretLabel), badLabel.Errors![0].Value), null);
        }

        var (expiresAt, expiryProblem) = settings.IsPublic ? (null, null) : credentials.SecretExpiry(settings.SecretExpiresAt, clock.GetUtcNow().UtcDateTime);
        if (expiryProblem is not null)
        {
            return new(ChangeResult.Invalid(nameof(AuthClientSettings.SecretExpiresAt), expiryProblem.Errors![0].Value), null);
        }

        var name = settings.Name!;
        var normalizedName = name.ToUpperInvariant();
        var (uris, logoutUris) = RegisteredUris(settings);

        var secret = settings.IsPublic ? null : ClientSecrets.Generate();

        // One unit of work, which the execution strategy runs again whole after a transient fault
        // (a connection lost to a database restart), from an empty change tracker.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();

            // On SQLite this begins IMMEDIATE: concurrent creations queue here instead of failing later.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await NameTakenAsync(normalizedName, exceptId: null, ct))
            {
                return new(NameTaken, null);
            }

            var number = new ClientNumber { AllocatedAt = clock.GetUtcNow().UtcDateTime };
            db.ClientNumbers.Add(number);
            await db.SaveChangesAsync(ct);

            var application = new AuthClientApplication
            {
                Number = number.Number,
                CreatedAt = number.AllocatedAt,
                CreatedById = actorId,
                IsEnabled = settings.Enabled,
            };
            SetListColumns(application, name, normalizedName, uris);
            await manager.PopulateAsync(application, Describe(number.Number.ToString(CultureInfo.InvariantCulture), settings, uris, logoutUris), ct);
            audit.Record(AuditActions.AuthClientCreated, AuthClientAudit.TargetType, application.ClientId!, AuthClientAudit.Created(settings, uris, logoutUris));

            try
            {
                if (secret is null)
                {
                    await manager.CreateAsync(application, ct);
                }
                else
                {
                    // OpenIddict requires a secret of a confidential client: it gets a verifier no secret
                    // matches, and the real one is the client's first credential (what authentication checks).
                    await manager.CreateAsync(application, ClientSecrets.Generate(), ct);
                    db.AuthClientCredentials.Add(await credentials.NewSecretAsync(application.Id!, secret, settings.SecretLabel, expiresAt, ct));
                    await db.SaveChangesAsync(ct);
                }

                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another request took the name between the check and the insert: the unique index refused it.
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                if (await NameTakenAsync(normalizedName, exceptId: null, CancellationToken.None))
                {
                    return new(NameTaken, null);
                }

                throw;
            }

            return new AuthClientSecretChange(ChangeResult.Saved(application.Id!), secret);
        }, cancellationToken);
    }

    /// <param name="grantableScopes">The scopes the actor holds the rights of: the others may be neither added nor removed.</param>
    public async Task<ChangeResult> UpdateAsync(string id, AuthClientSettings settings, IReadOnlySet<string> grantableScopes, CancellationToken cancellationToken = default)
    {
        if (Unacceptable(settings) is { } invalid)
        {
            return invalid;
        }

        var application = await manager.FindByIdAsync(id, cancellationToken);
        if (application is null)
        {
            return ChangeResult.NotFound;
        }

        if (settings.ConcurrencyToken != application.ConcurrencyToken)
        {
            return ChangeResult.Conflict;
        }

        // The client type is fixed at creation: a public client never gets a secret afterwards.
        var before = await queries.SettingsOfAsync(application, cancellationToken);
        settings = settings with { IsPublic = before.IsPublic };
        if (!settings.GrantsFitClientType)
        {
            return ChangeResult.Invalid(AuthClientSettings.GrantTypesField, AuthClientSettings.PublicClientGrantMessage);
        }

        if (RefusedScopeChange(before.Scopes, settings.Scopes, grantableScopes) is { } refused)
        {
            return refused;
        }

        // A public client has no secret: its redirect URIs are its credential. Whoever can point them
        // elsewhere receives the codes of every user who consented, with all the client's scopes.
        var (uris, logoutUris) = RegisteredUris(settings);
        if (before.IsPublic && !RedirectUriRules.Normalize(before.RedirectUris).SequenceEqual(uris) && !before.Scopes.All(grantableScopes.Contains))
        {
            return ChangeResult.Refused(nameof(AuthClientSettings.RedirectUris),
                $"You cannot change the redirect URLs of this public client: they decide who receives its users' codes. {Authorization.ScopeRights.Missing(before.Scopes)}");
        }

        var name = settings.Name!;
        var normalizedName = name.ToUpperInvariant();
        if (await NameTakenAsync(normalizedName, exceptId: id, cancellationToken))
        {
            return NameTaken;
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(descriptor, application, cancellationToken);
        var wanted = Describe(application.ClientId!, settings, uris, logoutUris);
        descriptor.DisplayName = wanted.DisplayName;
        descriptor.RedirectUris.Clear();
        descriptor.RedirectUris.UnionWith(wanted.RedirectUris);
        descriptor.PostLogoutRedirectUris.Clear();
        descriptor.PostLogoutRedirectUris.UnionWith(wanted.PostLogoutRedirectUris);
        descriptor.Permissions.Clear();
        descriptor.Permissions.UnionWith(wanted.Permissions);
        descriptor.Requirements.Clear();
        descriptor.Requirements.UnionWith(wanted.Requirements);
        TokenLifetimeRules.WriteTo(settings, descriptor.Settings);

        // Not OpenIddict's: kept on the entity, which the update below saves with the rest.
        application.IsEnabled = settings.Enabled;
        SetListColumns(application, name, normalizedName, uris);
        audit.Record(AuditActions.AuthClientUpdated, AuthClientAudit.TargetType, application.ClientId!, AuthClientAudit.Changes(before, settings, uris, logoutUris));

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
                return NameTaken;
            }

            throw;
        }

        return ChangeResult.Saved(id);
    }

    /// <summary>Deletes the client with its tokens and authorizations, so every token it holds stops at once.</summary>
    public async Task<ChangeResult> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        // A concurrent edit changes the concurrency token under us: then read the client again
        // and delete that version. Only when it is really gone is the answer "no longer exists".
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var application = await manager.FindByIdAsync(id, cancellationToken);
            if (application is null)
            {
                return ChangeResult.NotFound;
            }

            audit.Record(AuditActions.AuthClientDeleted, AuthClientAudit.TargetType, application.ClientId!, new Dictionary<string, FieldChange>
            {
                ["name"] = new(application.DisplayName, null),
            });
            try
            {
                await manager.DeleteAsync(application, cancellationToken);
                return ChangeResult.Saved(id);
            }
            catch (OpenIddictExceptions.ConcurrencyException)
            {
                db.ChangeTracker.Clear();
            }
        }

        return ChangeResult.NotFound;
    }

    /// <summary>Settings the page or API would have refused (they check first, with their own field names): nothing is tried.</summary>
    private static ChangeResult? Unacceptable(AuthClientSettings settings) =>
        settings.Problems().ToList() is { Count: > 0 } problems ? ChangeResult.Invalid(problems) : null;

    /// <summary>A change to a scope whose rights the actor does not hold (checklist 38), refused with the reason.</summary>
    private static ChangeResult? RefusedScopeChange(IReadOnlyList<string> before, IReadOnlyList<string> after, IReadOnlySet<string> grantable)
    {
        var changed = before.Except(after).Concat(after.Except(before)).Where(scope => !grantable.Contains(scope)).ToList();
        return changed.Count == 0
            ? null
            : ChangeResult.Refused(AuthClientSettings.ScopesField, $"You cannot add or remove the scope {string.Join(", ", changed)}. {Authorization.ScopeRights.Missing(changed)}");
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

    /// <summary>
    /// The redirect and post-logout redirect URIs to store, in canonical form: what the endpoints
    /// compare. They serve the authorization code grant only; without it none are kept.
    /// </summary>
    private static (IReadOnlyList<string> Redirect, IReadOnlyList<string> PostLogout) RegisteredUris(AuthClientSettings settings) =>
        settings.Grants.AuthorizationCode
            ? (RedirectUriRules.Normalize(settings.RedirectUris), RedirectUriRules.Normalize(settings.PostLogoutRedirectUris))
            : ([], []);

    private static OpenIddictApplicationDescriptor Describe(string clientId, AuthClientSettings settings, IReadOnlyList<string> redirectUris, IReadOnlyList<string> postLogoutRedirectUris)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = settings.Name,
            ClientType = settings.IsPublic ? ClientTypes.Public : ClientTypes.Confidential,
            ConsentType = ConsentTypes.Explicit,
        };
        descriptor.Permissions.UnionWith(settings.Grants.ToPermissions(settings.IsPublic));
        descriptor.Permissions.UnionWith(settings.Scopes.Select(scope => Permissions.Prefixes.Scope + scope));
        descriptor.RedirectUris.UnionWith(redirectUris.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.PostLogoutRedirectUris.UnionWith(postLogoutRedirectUris.Select(u => new Uri(u, UriKind.Absolute)));
        if (settings.Grants.AuthorizationCode)
        {
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        TokenLifetimeRules.WriteTo(settings, descriptor.Settings);
        return descriptor;
    }
}
