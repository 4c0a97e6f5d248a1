using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

public sealed record ProfileViewModel(string Name, string Email, bool IsSuperAdmin, ChangePasswordForm Form);

/// <summary>The signed-in user's own profile: who they are, and changing their password.</summary>
public sealed class ProfileService(AppDbContext db, UserManager<AppUser> users, PasswordCheckService passwords, AuditService audit)
{
    /// <summary>Also for a locked-out account: a borrowed session must not learn more than the sign-in page tells.</summary>
    public static readonly string WrongPasswordMessage = "The current password is incorrect. " + PasswordCheckService.LockoutNotice;

    public async Task<AppUser?> FindAsync(string? userId) =>
        userId is null ? null : await users.FindByIdAsync(userId);

    public static ProfileViewModel View(AppUser user, ChangePasswordForm form) =>
        new(user.FullName, user.Email ?? "", user.IsSuperAdmin, form);

    public async Task<ChangeResult> ChangePasswordAsync(AppUser user, ChangePasswordForm form)
    {
        // Checked like a sign-in: a locked-out account is refused even with the right password, and
        // guessing the current password from a borrowed session counts towards the lockout.
        if (!await passwords.CheckAsync(user, form.CurrentPassword))
        {
            return ChangeResult.Invalid(nameof(ChangePasswordForm.CurrentPassword), WrongPasswordMessage);
        }

        audit.Record(UserAudit.PasswordChanged, UserAudit.TargetType, user.Id);
        var result = await users.ChangePasswordAsync(user, form.CurrentPassword!, form.NewPassword!);
        if (result.Succeeded)
        {
            return ChangeResult.Saved(user.Id);
        }

        DiscardPendingAudit();
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            // Changed by another request between the check and this save.
            return ChangeResult.Invalid(nameof(ChangePasswordForm.CurrentPassword), WrongPasswordMessage);
        }

        return ChangeResult.Invalid(result.Errors.Select(e => new KeyValuePair<string, string>(
            e.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(ChangePasswordForm.NewPassword) : "",
            e.Description)));
    }

    // The audit record describes a change that did not happen. (Clearing the whole tracker would
    // detach the user, which Identity saves again when it counts the failed attempt.)
    private void DiscardPendingAudit()
    {
        foreach (var entry in db.ChangeTracker.Entries<AuditRecord>().Where(e => e.State == EntityState.Added).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }
}
