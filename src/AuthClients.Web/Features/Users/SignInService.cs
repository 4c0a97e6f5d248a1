using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;

namespace AuthClients.Web.Features.Users;

/// <summary>The audit actions of the sign-in page. Records never hold a password.</summary>
public static class SignInAudit
{
    public const string Succeeded = "sign-in.succeeded";
    public const string Failed = "sign-in.failed";

    /// <summary>A failed sign-in's actor: nobody proved who they are.</summary>
    public const string AnonymousActor = "anonymous";
}

/// <summary>
/// The sign-in page's password check, audited: each attempt leaves one record (two for the failure
/// that locks the account), written the same way whatever the outcome, so the audit write adds the
/// same work to every answer and the page's single failure message and timing stay as they were.
/// </summary>
public sealed class SignInService(PasswordCheckService passwords, AuditService audit, AppDbContext db)
{
    /// <returns>The account, when it may sign in now; otherwise null.</returns>
    public async Task<AppUser?> CheckAsync(string? email, string? password, CancellationToken cancellationToken = default)
    {
        var (user, outcome) = await passwords.CheckWithOutcomeAsync(email, password);
        var targetId = user?.Id ?? "";
        if (outcome == PasswordCheckOutcome.Succeeded)
        {
            audit.Record((user!.Id, user.UserName ?? user.Email ?? user.Id), SignInAudit.Succeeded, UserAudit.TargetType, targetId);
        }
        else
        {
            var anonymous = ((string?)null, SignInAudit.AnonymousActor);
            // For an unknown account, nothing typed is kept: people type passwords into the email box.
            var changes = new Dictionary<string, FieldChange> { ["reason"] = new(null, ReasonOf(outcome)) };
            audit.Record(anonymous, SignInAudit.Failed, UserAudit.TargetType, targetId, changes);
            if (outcome == PasswordCheckOutcome.LockedOutNow)
            {
                audit.Record(anonymous, UserAudit.LockedOut, UserAudit.TargetType, targetId, new Dictionary<string, FieldChange>
                {
                    ["locked_out_until"] = new(null, user!.LockoutEnd?.UtcDateTime),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return outcome == PasswordCheckOutcome.Succeeded ? user : null;
    }

    private static string ReasonOf(PasswordCheckOutcome outcome) => outcome switch
    {
        PasswordCheckOutcome.UnknownAccount => "unknown-email",
        PasswordCheckOutcome.Inactive => "inactive",
        PasswordCheckOutcome.LockedOut => "locked-out",
        PasswordCheckOutcome.LockedOutNow => "wrong-password (account locked)",
        PasswordCheckOutcome.NotAllowed => "not-allowed",
        _ => "wrong-password",
    };
}
