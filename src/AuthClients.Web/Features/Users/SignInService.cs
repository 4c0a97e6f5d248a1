using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.SecondFactor;

namespace AuthClients.Web.Features.Users;

/// <summary>The audit actions of the sign-in page. Records never hold a password.</summary>
public static class SignInAudit
{
    public const string Succeeded = "sign-in.succeeded";
    public const string Failed = "sign-in.failed";

    /// <summary>A failed sign-in's actor: nobody proved who they are.</summary>
    public const string AnonymousActor = "anonymous";
}

/// <summary>A right password: the account, and what must follow before it is signed in, if anything.</summary>
public sealed record PasswordAccepted(AppUser User, AfterPassword Next);

/// <summary>
/// The sign-in page's password check, audited: each attempt leaves one record (two for the failure
/// that locks the account), written the same way whatever the outcome, so the audit write adds the
/// same work to every answer and the page's single failure message and timing stay as they were.
/// </summary>
public sealed class SignInService(PasswordCheckService passwords, SecondFactorSignIn secondFactor, AuditService audit, AppDbContext db)
{
    /// <returns>
    /// The account, when its password is right and it may sign in, and what must follow: nothing, a
    /// one-time code (an authenticator is set up and this browser is not remembered), or a refusal
    /// because only the user's passkey may complete the sign-in; otherwise null.
    /// </returns>
    public async Task<PasswordAccepted?> CheckAsync(string? email, string? password, CancellationToken cancellationToken = default)
    {
        var (user, outcome) = await passwords.CheckWithOutcomeAsync(email, password);
        var targetId = user?.Id ?? "";
        var next = AfterPassword.SignIn;
        if (outcome == PasswordCheckOutcome.Succeeded)
        {
            // Not signed in yet when a code is still to come: the second step records that.
            next = await secondFactor.AfterPasswordAsync(user!);
            var action = next switch
            {
                AfterPassword.Code => SecondFactorAudit.PasswordAccepted,
                AfterPassword.Passkey => SecondFactorAudit.PasskeyRequired,
                _ => SignInAudit.Succeeded,
            };
            audit.Record((user!.Id, user.UserName ?? user.Email ?? user.Id), action, UserAudit.TargetType, targetId);
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
        return outcome == PasswordCheckOutcome.Succeeded ? new PasswordAccepted(user!, next) : null;
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
