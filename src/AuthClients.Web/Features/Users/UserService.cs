using System.Data;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

/// <summary>Who a user page is about, for its title and tabs.</summary>
public sealed record UserHeader(string Id, string Name, string Email, bool IsSuperAdmin, bool IsActive, bool IsSelf);

/// <summary>A user's Information tab.</summary>
public sealed record UserDetails(UserHeader User, EditUserForm Form);

/// <summary>
/// Creating, editing, deleting users and resetting their passwords. Every write goes through
/// <see cref="UserManager{TUser}"/> (its validators: unique email, password policy) and writes an
/// audit record in the same save.
/// </summary>
public sealed class UserService(
    AppDbContext db,
    UserManager<AppUser> users,
    UserAccessService access,
    AuditService audit,
    TimeProvider clock,
    ILogger<UserService> logger)
{
    public const string EmailTakenMessage = "A user with this email already exists. Email must be unique.";
    public const string ConflictMessage = "Someone else saved this user after you opened it. Reload to see their changes, then edit again.";
    public const string DeactivateSelfMessage = "You cannot deactivate your own account.";
    public const string DeleteSelfMessage = "You cannot delete your own account.";
    public const string LastSuperAdminMessage = "This is the last active Super Admin. Make another user a Super Admin first.";
    public const string ResetOwnPasswordMessage = "Change your own password on your profile page.";

    public async Task<Found<UserHeader>> FindAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        return user is null
            ? new Found<UserHeader>(null, false)
            : new Found<UserHeader>(Header(user, actor), await MayChangeAsync(user, actor, cancellationToken));
    }

    public async Task<Found<UserDetails>> GetFormAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return new Found<UserDetails>(null, false);
        }

        var form = new EditUserForm
        {
            FirstName = user.FirstName,
            LastName = user.LastName,
            Email = user.Email,
            Status = user.IsActive ? UserStatus.Active : UserStatus.Inactive,
            ConcurrencyStamp = user.ConcurrencyStamp,
        };
        return new Found<UserDetails>(new UserDetails(Header(user, actor), form), await MayChangeAsync(user, actor, cancellationToken));
    }

    public async Task<ChangeResult> CreateAsync(CreateUserForm form, CancellationToken cancellationToken = default)
    {
        var email = form.Email!.Trim();
        var user = new AppUser
        {
            UserName = email,
            Email = email,
            FirstName = form.FirstName!.Trim(),
            LastName = form.LastName!.Trim(),
            IsActive = form.Status == UserStatus.Active,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        audit.Record(UserAudit.Created, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange>
        {
            ["first_name"] = new(null, user.FirstName),
            ["last_name"] = new(null, user.LastName),
            ["email"] = new(null, email),
            ["status"] = new(null, form.Status.ToString()),
        });

        try
        {
            var result = await users.CreateAsync(user, form.Password!);
            return result.Succeeded ? ChangeResult.Saved(user.Id) : Failed(result, nameof(CreateUserForm.Password));
        }
        catch (DbUpdateException)
        {
            // Another request took the email between Identity's check and the insert; the unique
            // user name index (the user name is the email) refused it.
            db.ChangeTracker.Clear();
            if (await users.FindByEmailAsync(email) is not null)
            {
                return ChangeResult.Invalid(nameof(UserDetailsForm.Email), EmailTakenMessage);
            }

            throw;
        }
    }

    public async Task<ChangeResult> UpdateAsync(string id, EditUserForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return ChangeResult.NotFound;
        }

        if (!await MayChangeAsync(user, actor, cancellationToken))
        {
            return Refuse(actor, "edit a user who holds rights they do not hold", id);
        }

        if (form.ConcurrencyStamp != user.ConcurrencyStamp)
        {
            return ChangeResult.Conflict;
        }

        var active = form.Status == UserStatus.Active;
        if (!active && user.Id == actor.Id)
        {
            return ChangeResult.Invalid(nameof(UserDetailsForm.Status), DeactivateSelfMessage);
        }

        var email = form.Email!.Trim();
        var changes = new Dictionary<string, FieldChange>();
        Track(changes, "first_name", user.FirstName, form.FirstName!.Trim(), v => user.FirstName = v);
        Track(changes, "last_name", user.LastName, form.LastName!.Trim(), v => user.LastName = v);
        Track(changes, "email", user.Email, email, v => (user.Email, user.UserName) = (v, v));
        Track(changes, "status", Status(user.IsActive), form.Status.ToString(), _ => user.IsActive = active);
        if (changes.Count == 0)
        {
            return ChangeResult.Saved(id);
        }

        var demotesSuperAdmin = user is { IsSuperAdmin: true, IsActive: true } && !active;
        return await SaveAsync(user, UserAudit.Updated, changes, demotesSuperAdmin, nameof(UserDetailsForm.Status), cancellationToken);
    }

    public async Task<ChangeResult> ResetPasswordAsync(string id, ResetPasswordForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return ChangeResult.NotFound;
        }

        if (user.Id == actor.Id)
        {
            return ChangeResult.Invalid("", ResetOwnPasswordMessage);
        }

        if (!await MayChangeAsync(user, actor, cancellationToken))
        {
            return Refuse(actor, "reset the password of a user who holds rights they do not hold", id);
        }

        // A reset token lets Identity validate and set the password in one save (removing the old
        // password first would leave none if the new one failed the policy). It also changes the
        // security stamp, which Identity uses to end the user's existing sessions.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        audit.Record(UserAudit.PasswordReset, UserAudit.TargetType, user.Id);
        var result = await users.ResetPasswordAsync(user, token, form.NewPassword!);
        if (!result.Succeeded)
        {
            return Failed(result, nameof(ResetPasswordForm.NewPassword));
        }

        // An administrator's reset also lifts a lockout: that is usually why it was asked for.
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return ChangeResult.Saved(id);
    }

    /// <summary>Deletes a user (never oneself, never the last active Super Admin); their permissions and memberships go with them.</summary>
    public async Task<ChangeResult> DeleteAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return ChangeResult.NotFound;
        }

        if (user.Id == actor.Id)
        {
            return ChangeResult.Invalid("", DeleteSelfMessage);
        }

        if (!await MayChangeAsync(user, actor, cancellationToken))
        {
            return Refuse(actor, "delete a user who holds rights they do not hold", id);
        }

        await using var transaction = await GuardSuperAdminsAsync(user, user is { IsSuperAdmin: true, IsActive: true }, cancellationToken);
        if (transaction is { Allowed: false })
        {
            return ChangeResult.Invalid("", LastSuperAdminMessage);
        }

        audit.Record(UserAudit.Deleted, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange>
        {
            ["name"] = new(user.FullName, null),
            ["email"] = new(user.Email, null),
        });
        var result = await users.DeleteAsync(user);
        if (!result.Succeeded)
        {
            return ChangeResult.NotFound;
        }

        await transaction.CommitAsync(cancellationToken);
        return ChangeResult.Saved(id);
    }

    /// <summary>
    /// Saves a user through the manager (which checks the concurrency stamp and the validators),
    /// with its audit record. When the change could leave no active Super Admin, it runs in a
    /// serializable transaction that first checks another one remains.
    /// </summary>
    internal async Task<ChangeResult> SaveAsync(
        AppUser user,
        string auditAction,
        Dictionary<string, FieldChange> changes,
        bool demotesSuperAdmin,
        string superAdminField,
        CancellationToken cancellationToken)
    {
        await using var transaction = await GuardSuperAdminsAsync(user, demotesSuperAdmin, cancellationToken);
        if (transaction is { Allowed: false })
        {
            db.ChangeTracker.Clear();
            return ChangeResult.Invalid(superAdminField, LastSuperAdminMessage);
        }

        audit.Record(auditAction, UserAudit.TargetType, user.Id, changes);
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            return Failed(result, passwordField: null);
        }

        await transaction.CommitAsync(cancellationToken);
        return ChangeResult.Saved(user.Id);
    }

    /// <summary>
    /// Whether <paramref name="actor"/> may change <paramref name="user"/> at all: a Super Admin
    /// anyone, anybody else only users holding no right the actor lacks (their own plus their groups').
    /// </summary>
    internal async Task<bool> MayChangeAsync(AppUser user, Actor actor, CancellationToken cancellationToken)
    {
        if (actor.IsSuperAdmin)
        {
            return true;
        }

        var rights = await access.GetAsync(user.Id, cancellationToken);
        return rights is not null && actor.Outranks(rights.IsSuperAdmin, rights.Permissions);
    }

    internal ChangeResult Refuse(Actor actor, string attempt, string targetId)
    {
        RefusalLog.Refused(logger, actor.Id, attempt, UserAudit.TargetType, targetId);
        return ChangeResult.Forbidden;
    }

    internal static UserHeader Header(AppUser user, Actor actor) =>
        new(user.Id, user.FullName, user.Email ?? "", user.IsSuperAdmin, user.IsActive, user.Id == actor.Id);

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

    private ChangeResult Failed(IdentityResult result, string? passwordField)
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

    private static string Status(bool active) => active ? nameof(UserStatus.Active) : nameof(UserStatus.Inactive);

    private static void Track(Dictionary<string, FieldChange> changes, string field, string? before, string after, Action<string> apply)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            changes[field] = new(before, after);
            apply(after);
        }
    }

    /// <summary>A transaction (when one was needed) and whether another active Super Admin remains.</summary>
    private sealed class SuperAdminGuard(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction, bool allowed) : IAsyncDisposable
    {
        public bool Allowed { get; } = allowed;

        public Task CommitAsync(CancellationToken cancellationToken) =>
            transaction?.CommitAsync(cancellationToken) ?? Task.CompletedTask;

        public ValueTask DisposeAsync() => transaction?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
