using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.Users;

public enum UserStatus { Active, Inactive }

/// <summary>The fields a user's Information tab edits. Nothing else is bound.</summary>
public abstract class UserDetailsForm
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 256;

    [Display(Name = "First Name")]
    [Required(ErrorMessage = "The First Name field is required.")]
    [StringLength(MaxNameLength, ErrorMessage = "The First Name may not be greater than 100 characters.")]
    public string? FirstName { get; set; }

    [Display(Name = "Last Name")]
    [Required(ErrorMessage = "The Last Name field is required.")]
    [StringLength(MaxNameLength, ErrorMessage = "The Last Name may not be greater than 100 characters.")]
    public string? LastName { get; set; }

    [Display(Name = "Email")]
    [Required(ErrorMessage = "The Email field is required.")]
    [EmailAddress(ErrorMessage = "The Email must be a valid email address.")]
    [StringLength(MaxEmailLength, ErrorMessage = "The Email may not be greater than 256 characters.")]
    public string? Email { get; set; }

    [Display(Name = "Status")]
    public UserStatus Status { get; set; } = UserStatus.Active;
}

/// <summary>Create a user: the details and an initial password (checked against the Identity password policy).</summary>
public sealed class CreateUserForm : UserDetailsForm
{
    [Display(Name = "Password")]
    [Required(ErrorMessage = "The Password field is required.")]
    [StringLength(PasswordForms.MaxLength, ErrorMessage = "The Password may not be greater than 256 characters.")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    [Display(Name = "Confirm Password")]
    [Required(ErrorMessage = "The Confirm Password field is required.")]
    [Compare(nameof(Password), ErrorMessage = PasswordForms.MismatchMessage)]
    [DataType(DataType.Password)]
    public string? ConfirmPassword { get; set; }
}

public sealed class EditUserForm : UserDetailsForm
{
    /// <summary>The version the editor started from; a save from an older version is refused.</summary>
    public string? ConcurrencyStamp { get; set; }
}

/// <summary>A new password typed twice: the fields the reset and change-password forms share.</summary>
public abstract class NewPasswordForm
{
    [Display(Name = "New Password")]
    [Required(ErrorMessage = "The New Password field is required.")]
    [StringLength(PasswordForms.MaxLength, ErrorMessage = "The New Password may not be greater than 256 characters.")]
    [DataType(DataType.Password)]
    public string? NewPassword { get; set; }

    [Display(Name = "Confirm Password")]
    [Required(ErrorMessage = "The Confirm Password field is required.")]
    [Compare(nameof(NewPassword), ErrorMessage = PasswordForms.MismatchMessage)]
    [DataType(DataType.Password)]
    public string? ConfirmPassword { get; set; }
}

/// <summary>An administrator sets a new password for someone else.</summary>
public sealed class ResetPasswordForm : NewPasswordForm;

/// <summary>A signed-in user changes their own password, proving they know the current one.</summary>
public sealed class ChangePasswordForm : NewPasswordForm
{
    [Display(Name = "Current Password")]
    [Required(ErrorMessage = "The Current Password field is required.")]
    [DataType(DataType.Password)]
    public string? CurrentPassword { get; set; }
}

public static class PasswordForms
{
    public const int MaxLength = 256;
    public const string MismatchMessage = "The passwords do not match.";
}
