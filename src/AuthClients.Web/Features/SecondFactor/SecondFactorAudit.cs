namespace AuthClients.Web.Features.SecondFactor;

/// <summary>The audit actions of second factors and passkeys. Records never hold a key, a code or a recovery code.</summary>
public static class SecondFactorAudit
{
    /// <summary>The password was right and the one-time code is asked next (the sign-in is not complete yet).</summary>
    public const string PasswordAccepted = "sign-in.password-accepted";

    /// <summary>
    /// The password was right but not enough: the policy covers the user and only their passkey may
    /// sign them in (no session was created).
    /// </summary>
    public const string PasskeyRequired = "sign-in.passkey-required";

    public const string AuthenticatorEnabled = "user.authenticator-enabled";
    public const string RecoveryCodesRenewed = "user.recovery-codes-renewed";
    public const string PasskeyAdded = "user.passkey-added";
    public const string PasskeyRemoved = "user.passkey-removed";

    /// <summary>An administrator removed another user's authenticator, recovery codes and passkeys.</summary>
    public const string Reset = "user.second-factor-reset";
}
