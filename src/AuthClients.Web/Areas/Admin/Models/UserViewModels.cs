using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Users;

namespace AuthClients.Web.Areas.Admin.Models;

public sealed record CreateUserViewModel(CreateUserForm Form);

/// <summary>The Information tab of a user.</summary>
public sealed record EditUserViewModel(UserHeader User, EditUserForm Form);

/// <summary>The Password tab of a user: an administrator sets a new password.</summary>
public sealed record ResetPasswordViewModel(UserHeader User, ResetPasswordForm Form, AuthClients.Web.Features.SecondFactor.SecondFactorStatus SecondFactor);

/// <summary>The tabs above every page about one user.</summary>
public sealed record UserTabsViewModel(UserHeader User, string Active)
{
    public const string Information = "information";
    public const string Permissions = "permissions";
    public const string Password = "password";
}

/// <summary>The Permissions tab of a user.</summary>
public sealed record UserPermissionsViewModel(UserHeader User, PermissionsViewModel Permissions)
{
    public UserPermissionsViewModel WithPosted(PermissionsForm form) => this with { Permissions = Permissions.WithPosted(form) };
}
