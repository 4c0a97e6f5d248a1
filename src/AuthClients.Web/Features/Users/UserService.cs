using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

/// <summary>Who a user page is about, for its title and tabs.</summary>
public sealed record UserHeader(string Id, string Name, string Email, bool IsSuperAdmin, bool IsActive, bool IsSelf)
{
    public static UserHeader Of(AppUser user, Actor viewer) =>
        new(user.Id, user.FullName, user.Email ?? "", user.IsSuperAdmin, user.IsActive, user.Id == viewer.Id);
}

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
    UserWriter writer,
    ChangeGuard guard,
    AuditService audit,
    TimeProvider clock)
{
    public const string MissingMessage = "This user no longer exists. They may have been deleted by someone else.";
    public const string ConflictMessage = "Someone else saved this user after you opened it. Reload to see their changes, then edit again.";
    public const string DeactivateSelfMessage = "You cannot deactivate your own account.";
    public const string DeleteSelfMessage = "You cannot delete your own account.";
    public const string ResetOwnPasswordMessage = "Change your own password on your profile page.";

    public async Task<Found<UserHeader>> FindAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        return user is null
            ? new Found<UserHeader>(null, false)
            : new Found<UserHeader>(UserHeader.Of(user, actor), await guard.MayChangeUserAsync(user.Id, actor, cancellationToken));
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
        return new Found<UserDetails>(new UserDetails(UserHeader.Of(user, actor), form), await guard.MayChangeUserAsync(user.Id, actor, cancellationToken));
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
            return result.Succeeded ? ChangeResult.Saved(user.Id) : writer.FromIdentityErrors(result, nameof(CreateUserForm.Password));
        }
        catch (DbUpdateException)
        {
            // Another request took the email between Identity's check and the insert; the unique
            // user name index (the user name is the email) refused it.
            db.ChangeTracker.Clear();
            if (await users.FindByEmailAsync(email) is not null)
            {
                return ChangeResult.Invalid(nameof(UserDetailsForm.Email), UserWriter.EmailTakenMessage);
            }

            throw;
        }
    }

    public async Task<ChangeResult> UpdateAsync(string id, EditUserForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        var (user, stop) = await writer.LoadForChangeAsync(id, actor, "edit a user who holds rights they do not hold", cancellationToken);
        if (user is null)
        {
            return stop!;
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
        return await writer.SaveAsync(user, UserAudit.Updated, changes, demotesSuperAdmin, nameof(UserDetailsForm.Status), cancellationToken);
    }

    public async Task<ChangeResult> ResetPasswordAsync(string id, ResetPasswordForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        // Oneself is always within one's own rights, so the guard lets this through to its message.
        var (user, stop) = await writer.LoadForChangeAsync(id, actor, "reset the password of a user who holds rights they do not hold", cancellationToken);
        if (user is null)
        {
            return stop!;
        }

        if (user.Id == actor.Id)
        {
            return ChangeResult.Invalid("", ResetOwnPasswordMessage);
        }

        // A reset token lets Identity validate and set the password in one save (removing the old
        // password first would leave none if the new one failed the policy). It also changes the
        // security stamp, which Identity uses to end the user's existing sessions.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        audit.Record(UserAudit.PasswordReset, UserAudit.TargetType, user.Id);
        var result = await users.ResetPasswordAsync(user, token, form.NewPassword!);
        if (!result.Succeeded)
        {
            return writer.FromIdentityErrors(result, nameof(ResetPasswordForm.NewPassword));
        }

        // An administrator's reset also lifts a lockout: that is usually why it was asked for.
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return ChangeResult.Saved(id);
    }

    /// <summary>Deletes a user (never oneself, never the last active Super Admin); their permissions and memberships go with them.</summary>
    public async Task<ChangeResult> DeleteAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        // Oneself is always within one's own rights, so the guard lets this through to its message.
        var (user, stop) = await writer.LoadForChangeAsync(id, actor, "delete a user who holds rights they do not hold", cancellationToken);
        if (user is null)
        {
            return stop!;
        }

        if (user.Id == actor.Id)
        {
            return ChangeResult.Invalid("", DeleteSelfMessage);
        }

        return await writer.DeleteAsync(user, cancellationToken);
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
}
