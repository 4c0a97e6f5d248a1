using System.Data;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuthClients.Web.Features.Users;

/// <summary>
/// The writes a user's tabs share: saving or deleting a user through <see cref="UserManager{TUser}"/>
/// (its concurrency stamp and validators) with the audit record in the same save, never leaving no
/// active Super Admin, and Identity's errors turned into messages for the form.
/// </summary>
public sealed class UserWriter(AppDbContext db, UserManager<AppUser> users, ChangeGuard guard, AuditService audit)
{
    public const string EmailTakenMessage = "A user with this email already exists. Email must be unique.";
    public const string LastSuperAdminMessage = "This is the last active Super Admin. Make another user a Super Admin first.";

    /// <summary>
    /// The user, for a change <paramref name="actor"/> may make (<see cref="ChangeGuard.MayChangeUserAsync"/>);
    /// otherwise no user and why the change stops: not found, or refused (and logged as an attempt to <paramref name="attempt"/>).
    /// </summary>
    public async Task<(AppUser? User, ChangeResult? Stop)> LoadForChangeAsync(string id, Actor actor, string attempt, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return (null, ChangeResult.NotFound);
        }

        return await guard.MayChangeUserAsync(user.Id, actor, cancellationToken)
            ? (user, null)
            : (null, guard.Refuse(actor, attempt, UserAudit.TargetType, id));
    }

    /// <summary>
    /// Saves a changed user with its audit record. When the change could leave no active Super
    /// Admin, it runs in a serializable transaction that first checks another one remains.
    /// </summary>
    public async Task<ChangeResult> SaveAsync(
        AppUser user,
        string auditAction,
        Dictionary<string, FieldChange> changes,
        bool demotesSuperAdmin,
        string superAdminField,
        CancellationToken cancellationToken)
    {
        audit.Record(auditAction, UserAudit.TargetType, user.Id, changes);
        return await InRetriedUnitAsync(async ct =>
        {
            await using var transaction = await GuardSuperAdminsAsync(user, demotesSuperAdmin, ct);
            if (transaction is { Allowed: false })
            {
                db.ChangeTracker.Clear();
                return ChangeResult.Invalid(superAdminField, LastSuperAdminMessage);
            }

            var result = await users.UpdateAsync(user);
            if (!result.Succeeded)
            {
                return FromIdentityErrors(result, passwordField: null);
            }

            await transaction.CommitAsync(ct);
            return ChangeResult.Saved(user.Id);
        }, cancellationToken);
    }

    /// <summary>Deletes a user (never the last active Super Admin) with its audit record; their permissions and memberships go with them.</summary>
    public async Task<ChangeResult> DeleteAsync(AppUser user, CancellationToken cancellationToken)
    {
        var lastSuperAdmin = user is { IsSuperAdmin: true, IsActive: true };
        var recorded = false;
        return await InRetriedUnitAsync(async ct =>
        {
            await using var transaction = await GuardSuperAdminsAsync(user, lastSuperAdmin, ct);
            if (transaction is { Allowed: false })
            {
                return ChangeResult.Invalid("", LastSuperAdminMessage);
            }

            if (!recorded)
            {
                // Added once: after a failed attempt the record is still in the change tracker.
                recorded = true;
                audit.Record(UserAudit.Deleted, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange>
                {
                    ["name"] = new(user.FullName, null),
                    ["email"] = new(user.Email, null),
                });
            }

            var result = await users.DeleteAsync(user);
            if (!result.Succeeded)
            {
                return ChangeResult.NotFound;
            }

            await transaction.CommitAsync(ct);
            return ChangeResult.Saved(user.Id);
        }, cancellationToken);
    }

    /// <summary>A refused Identity write as the form shows it: a conflict, or messages next to the email or password field.</summary>
    public ChangeResult FromIdentityErrors(IdentityResult result, string? passwordField)
    {
        db.ChangeTracker.Clear();
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            return ChangeResult.Conflict;
        }

        var errors = new List<KeyValuePair<string, string>>();
        foreach (var error in result.Errors)
        {
            var (field, message) = error.Code switch
            {
                nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) =>
                    (nameof(UserDetailsForm.Email), EmailTakenMessage),
                nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) =>
                    (nameof(UserDetailsForm.Email), "The Email must be a valid email address."),
                _ when error.Code.StartsWith("Password", StringComparison.Ordinal) && passwordField is not null =>
                    (passwordField, error.Description),
                _ => ("", error.Description),
            };
            if (!errors.Contains(new(field, message)))
            {
                errors.Add(new(field, message));
            }
        }

        return ChangeResult.Invalid(errors);
    }

    /// <summary>
    /// Runs a save as one unit the execution strategy repeats whole after a transient fault (a
    /// connection lost to a database restart). The user's changes and the audit record stay in the
    /// change tracker across attempts: a failed save leaves them pending, so the next attempt writes them.
    /// </summary>
    private Task<ChangeResult> InRetriedUnitAsync(Func<CancellationToken, Task<ChangeResult>> unit, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(unit, cancellationToken);

    private async Task<SuperAdminGuard> GuardSuperAdminsAsync(AppUser user, bool demotes, CancellationToken cancellationToken)
    {
        if (!demotes)
        {
            return new SuperAdminGuard(null, true);
        }

        // Serializable: two administrators demoting the last two Super Admins at once cannot both pass.
        var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var othersRemain = await db.Users.AnyAsync(u => u.IsSuperAdmin && u.IsActive && u.Id != user.Id, cancellationToken);
        return new SuperAdminGuard(transaction, othersRemain);
    }

    /// <summary>A transaction (when one was needed) and whether another active Super Admin remains.</summary>
    private sealed class SuperAdminGuard(IDbContextTransaction? transaction, bool allowed) : IAsyncDisposable
    {
        public bool Allowed { get; } = allowed;

        public Task CommitAsync(CancellationToken cancellationToken) =>
            transaction?.CommitAsync(cancellationToken) ?? Task.CompletedTask;

        public ValueTask DisposeAsync() => transaction?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
