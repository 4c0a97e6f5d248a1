using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

/// <summary>The <c>Bootstrap</c> section: who the first administrator is on an empty database.</summary>
public sealed class BootstrapOptions : IValidatableObject
{
    public const string Section = "Bootstrap";
    public const string DefaultAdminEmail = "admin@localhost";

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(AdminEmail) && !new EmailAddressAttribute().IsValid(AdminEmail.Trim()))
        {
            yield return new ValidationResult($"Bootstrap:AdminEmail '{AdminEmail}' is not a valid email address.", [nameof(AdminEmail)]);
        }

        if (!string.IsNullOrEmpty(AdminPassword) && AdminPassword.Length < 12)
        {
            yield return new ValidationResult("Bootstrap:AdminPassword must be at least 12 characters long.", [nameof(AdminPassword)]);
        }
    }
}

/// <summary>
/// Creates the first Super Admin when the database has no users. There is no default password:
/// it comes from configuration, or is generated and written to the log once.
/// </summary>
internal static partial class BootstrapAdministrator
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<AppUser>>();
        if (users.Users.Any())
        {
            return;
        }

        var options = services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BootstrapAdministrator));
        var email = string.IsNullOrWhiteSpace(options.AdminEmail) ? BootstrapOptions.DefaultAdminEmail : options.AdminEmail.Trim();
        var generated = string.IsNullOrEmpty(options.AdminPassword);
        var password = generated ? RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20) : options.AdminPassword!;

        var admin = new AppUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            FirstName = "Super",
            LastName = "Admin",
            IsSuperAdmin = true,
            CreatedAt = DateTime.UtcNow,
        };
        var result = await users.CreateAsync(admin, password);
        if (!result.Succeeded)
        {
            throw new OptionsValidationException(BootstrapOptions.Section, typeof(BootstrapOptions),
                [$"Could not create the first administrator {email}: " + string.Join(" ", result.Errors.Select(e => e.Description))]);
        }

        if (generated)
        {
            LogGeneratedPassword(logger, email, password);
        }
        else
        {
            LogConfiguredAdministrator(logger, email);
        }
    }

    // This password is the one secret the app deliberately logs: it exists nowhere else, is shown
    // once, and can be avoided by setting Bootstrap__AdminPassword.
    [LoggerMessage(Level = LogLevel.Warning, Message = "First administrator created. Sign in as {Email} with password {Password} (shown once; change it after signing in).")]
    private static partial void LogGeneratedPassword(ILogger logger, string email, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "First administrator created: {Email}, with the password from Bootstrap:AdminPassword.")]
    private static partial void LogConfiguredAdministrator(ILogger logger, string email);
}
