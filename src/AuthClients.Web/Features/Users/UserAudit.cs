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

    /// <summary>The wrong password that locked the account (the sign-in page or the profile's password change).</summary>
    public const string LockedOut = "user.locked-out";
}
