using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>What a user's Password tab says about their second factors.</summary>
public sealed record SecondFactorStatus(bool AuthenticatorEnabled, int Passkeys)
{
    public bool Any => AuthenticatorEnabled || Passkeys > 0;
}

/// <summary>
/// An administrator's reset of another user's authenticator app, recovery codes and passkeys (for
/// someone who lost their phone). The same rule as resetting a password: only a user the
/// administrator may edit (a Super Admin only by a Super Admin, see <see cref="ChangeGuard"/>),
/// never oneself (that is the profile's business). It ends the user's sessions and forgets
/// remembered browsers (the authenticator key changes), and is audited.
/// </summary>
public sealed class SecondFactorResetService(UserManager<AppUser> users, UserWriter writer, PasskeyService passkeys, AuditService audit)
{
    public const string ResetOwnMessage = "Manage your own authenticator app and passkeys on your profile.";
    public const string NothingToResetMessage = "This user has no authenticator app and no passkeys.";

    public async Task<SecondFactorStatus> StatusAsync(string id)
    {
        var user = await users.FindByIdAsync(id);
        return user is null
            ? new SecondFactorStatus(false, 0)
            : new SecondFactorStatus(await users.GetTwoFactorEnabledAsync(user), (await users.GetPasskeysAsync(user)).Count);
    }

    public async Task<ChangeResult> ResetAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var (user, stop) = await writer.LoadForChangeAsync(id, actor, "reset the second factor of a user who holds rights they do not hold", cancellationToken);
        if (user is null)
        {
            return stop!;
        }

        if (user.Id == actor.Id)
        {
            return ChangeResult.Invalid("", ResetOwnMessage);
        }

        var before = await StatusAsync(user.Id);
        if (!before.Any)
        {
            return ChangeResult.Invalid("", NothingToResetMessage);
        }

        audit.Record(SecondFactorAudit.Reset, UserAudit.TargetType, user.Id, new Dictionary<string, FieldChange>
        {
            ["authenticator"] = new(before.AuthenticatorEnabled ? "on" : "off", "off"),
            ["passkeys"] = new(before.Passkeys, 0),
        });
        await passkeys.RemoveAllAsync(user);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);

        // A new key: a remembered browser no longer matches, and a lost phone's codes stop working.
        // It also changes the security stamp, which ends the user's sessions.
        await users.ResetAuthenticatorKeyAsync(user);
        return ChangeResult.Saved(user.Id);
    }
}
