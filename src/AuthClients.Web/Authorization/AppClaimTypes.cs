namespace AuthClients.Web.Authorization;

/// <summary>Claim types this application adds to a signed-in user.</summary>
public static class AppClaimTypes
{
    /// <summary>One claim per effective permission key.</summary>
    public const string Permission = "permission";

    /// <summary>Present (value <c>true</c>) when the user is a Super Admin.</summary>
    public const string SuperAdmin = "super_admin";

    /// <summary>
    /// Present (value <c>true</c>) while the second-factor policy covers the user and they have
    /// neither a passkey nor an authenticator app: they may only set one up (SecondFactorSetupGate).
    /// </summary>
    public const string SecondFactorSetupRequired = "second_factor_setup_required";

    /// <summary>In access tokens: <c>client</c> (client credentials) or <c>user</c> (a person, through a client).</summary>
    public const string SubjectKind = "sub_kind";
}

public static class SubjectKinds
{
    public const string Client = "client";
    public const string User = "user";
}
