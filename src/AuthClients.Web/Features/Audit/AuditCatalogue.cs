using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;

namespace AuthClients.Web.Features.Audit;

/// <summary>An audited action as the Audit Log names it ("Secret rotated"), and the family its filter groups it in.</summary>
public sealed record AuditActionInfo(string Action, string Text, string Family);

/// <summary>A kind of event the Audit Log filters by (<c>action=credentials</c>): a set of actions.</summary>
public sealed record AuditFamily(string Key, string Text, IReadOnlyList<string> Actions);

/// <summary>
/// Every action the app audits, with its readable text, and the families the Audit Log's "Kind of
/// event" filter offers. A family is matched with <c>Action IN (...)</c> over the actions listed
/// here, so it uses the Action+OccurredAt index on every provider (a prefix match would not on
/// SQLite, whose LIKE ignores case and so skips the index). An action written somewhere but
/// missing here still shows (as its raw name) and matches its exact filter, not its family.
/// </summary>
public static class AuditCatalogue
{
    public const string PersonalAccessTokenTarget = "personal-access-token";
    public const string PersonalAccessTokenCreated = "personal-access-token.created";
    public const string PersonalAccessTokenRevoked = "personal-access-token.revoked";

    // Family keys: the contract's prefixes (auth-client means every auth-client.*) and two cross-cutting kinds.
    public const string Clients = AuthClientAudit.TargetType;
    public const string Credentials = "credentials";
    public const string UsersFamily = UserAudit.TargetType;
    public const string GroupsFamily = GroupAudit.TargetType;
    public const string PermissionsFamily = "permissions";
    public const string PersonalAccessTokens = PersonalAccessTokenTarget;
    public const string SignIn = "sign-in";

    public static IReadOnlyList<AuditActionInfo> Actions { get; } =
    [
        new(AuditActions.AuthClientCreated, "Client created", Clients),
        new(AuditActions.AuthClientUpdated, "Client updated", Clients),
        new(AuditActions.AuthClientDeleted, "Client deleted", Clients),
        new(AuditActions.AuthClientSecretCopied, "Secret copied", Clients),
        new(AuditActions.AuthClientSecretIssued, "Secret issued to the API caller", Clients),
        new(AuditActions.AuthClientSecretRegenerated, "Secret regenerated", Clients),
        new(AuditActions.AuthClientSecretRotated, "Secret rotated", Clients),
        new(AuditActions.AuthClientCredentialAdded, "Credential added", Clients),
        new(AuditActions.AuthClientCredentialRevoked, "Credential revoked", Clients),
        new(UserAudit.Created, "User created", UsersFamily),
        new(UserAudit.Updated, "User updated", UsersFamily),
        new(UserAudit.Deleted, "User deleted", UsersFamily),
        new(UserAudit.PermissionsChanged, "User permissions changed", UsersFamily),
        new(UserAudit.PasswordReset, "Password reset", UsersFamily),
        new(UserAudit.PasswordChanged, "Password changed", UsersFamily),
        new(UserAudit.LockedOut, "Locked out", UsersFamily),
        new(SecondFactorAudit.AuthenticatorEnabled, "Authenticator app set up", UsersFamily),
        new(SecondFactorAudit.RecoveryCodesRenewed, "Recovery codes renewed", UsersFamily),
        new(SecondFactorAudit.PasskeyAdded, "Passkey added", UsersFamily),
        new(SecondFactorAudit.PasskeyRemoved, "Passkey removed", UsersFamily),
        new(SecondFactorAudit.Reset, "Second factor and passkeys reset", UsersFamily),
        new(GroupAudit.Created, "Group created", GroupsFamily),
        new(GroupAudit.Updated, "Group updated", GroupsFamily),
        new(GroupAudit.Deleted, "Group deleted", GroupsFamily),
        new(GroupAudit.MemberAdded, "Group member added", GroupsFamily),
        new(GroupAudit.MemberRemoved, "Group member removed", GroupsFamily),
        new(GroupAudit.PermissionsChanged, "Group permissions changed", GroupsFamily),
        new(PersonalAccessTokenCreated, "Personal access token created", PersonalAccessTokens),
        new(PersonalAccessTokenRevoked, "Personal access token revoked", PersonalAccessTokens),
        new(SignInAudit.Succeeded, "Signed in", SignIn),
        new(SignInAudit.Failed, "Sign-in failed", SignIn),
        new(SecondFactorAudit.PasswordAccepted, "Password accepted, code asked", SignIn),
        new(SecondFactorAudit.PasskeyRequired, "Password refused, passkey required", SignIn),
    ];

    private static readonly string[] CredentialActions =
    [
        AuditActions.AuthClientSecretCopied, AuditActions.AuthClientSecretIssued, AuditActions.AuthClientSecretRegenerated,
        AuditActions.AuthClientSecretRotated, AuditActions.AuthClientCredentialAdded, AuditActions.AuthClientCredentialRevoked,
    ];

    public static IReadOnlyList<AuditFamily> Families { get; } =
    [
        Family(Clients, "Clients (every client event)"),
        new(Credentials, "Credentials (secrets and keys)", CredentialActions),
        Family(UsersFamily, "Users"),
        Family(GroupsFamily, "Groups"),
        new(PermissionsFamily, "Permissions and group membership", [UserAudit.PermissionsChanged, GroupAudit.PermissionsChanged, GroupAudit.MemberAdded, GroupAudit.MemberRemoved]),
        Family(PersonalAccessTokens, "Personal access tokens"),
        new(SignIn, "Sign-in (success, failure, lockout)", [SignInAudit.Succeeded, SignInAudit.Failed, SecondFactorAudit.PasswordAccepted, SecondFactorAudit.PasskeyRequired, UserAudit.LockedOut]),
    ];

    private static readonly Dictionary<string, AuditActionInfo> ByAction = Actions.ToDictionary(a => a.Action, StringComparer.Ordinal);

    /// <summary>"Client created"; an action not listed here, as written.</summary>
    public static string TextOf(string action) => ByAction.TryGetValue(action, out var info) ? info.Text : action;

    /// <summary>Every action that changes something: all but the sign-in family's events.</summary>
    public static IReadOnlyList<string> ChangeActions { get; } =
        [.. Actions.Select(a => a.Action).Except(Families.Single(f => f.Key == SignIn).Actions)];

    public static AuditFamily? FamilyOf(string key) => Families.FirstOrDefault(f => f.Key == key);

    public static bool IsKnownAction(string action) => ByAction.ContainsKey(action);

    private static AuditFamily Family(string key, string text) =>
        new(key, text, Actions.Where(a => a.Family == key).Select(a => a.Action).ToList());
}
