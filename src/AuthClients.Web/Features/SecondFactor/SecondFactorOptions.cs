using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Authorization;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>Who must hold a second factor (a passkey or an authenticator app) to use the admin pages.</summary>
public enum SecondFactorRequirement
{
    /// <summary>Nobody; anyone may still set one up.</summary>
    None,

    SuperAdmins,

    /// <summary>Super Admins and anyone holding a Create, Edit or Delete permission, directly or through a group.</summary>
    Writers,

    Everyone,
}

/// <summary>The <c>Security</c> section: the second-factor policy and "remember this browser".</summary>
public sealed class SecondFactorOptions
{
    public const string Section = "Security";

    public const int LongestRemembered = 365;

    /// <summary>Default: <see cref="SecondFactorRequirement.None"/>.</summary>
    public SecondFactorRequirement RequireSecondFactor { get; set; } = SecondFactorRequirement.None;

    /// <summary>
    /// For how many days a browser that ticked "Remember this browser" skips the one-time code.
    /// Default 0: never (the box is not offered).
    /// </summary>
    [Range(0, LongestRemembered, ErrorMessage = "Security:RememberBrowserDays must be between 0 (off) and 365 (days).")]
    public int RememberBrowserDays { get; set; }

    /// <summary>Whether the policy asks this user for a second factor, by their current rights.</summary>
    public bool Covers(bool isSuperAdmin, IEnumerable<string> permissions) => RequireSecondFactor switch
    {
        SecondFactorRequirement.Everyone => true,
        SecondFactorRequirement.SuperAdmins => isSuperAdmin,
        SecondFactorRequirement.Writers => isSuperAdmin || permissions.Any(Permissions.IsWrite),
        _ => false,
    };
}
