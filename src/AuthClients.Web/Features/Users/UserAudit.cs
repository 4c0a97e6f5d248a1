namespace AuthClients.Web.Features.Users;

/// <summary>The audit actions of the Users pages. Records never hold a password.</summary>
public static class UserAudit
{
    public const string TargetType = "user";
    public const string Created = "user.created";
    public const string Updated = "user.updated";
    public const string Deleted = "user.deleted";
    public const string PermissionsChanged = "user.permissions-changed";
    public const string PasswordReset = "user.password-reset";
    public const string PasswordChanged = "user.password-changed";

    /// <summary>The wrong password on the sign-in page that locked the account (lockouts from the profile's password change are not recorded yet).</summary>
    public const string LockedOut = "user.locked-out";
}
