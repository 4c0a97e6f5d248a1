using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

/// <summary>
/// Options that decide which services are registered must be read before the container exists, so
/// they cannot use <c>ValidateOnStart</c>. This binds and checks them the same way: a bad value stops
/// the app with an <see cref="OptionsValidationException"/> naming the setting.
/// </summary>
internal static class StartupOptions
{
    /// <param name="unreadable">The message for a value the binder cannot convert (e.g. <c>yes</c> for a bool).</param>
    /// <param name="complete">Fills what does not come from the section itself, before the checks run.</param>
    public static T Read<T>(IConfiguration configuration, string section, Func<InvalidOperationException, string> unreadable, Action<T>? complete = null)
        where T : class, new()
    {
        T options;
        try
        {
            options = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException bad)
        {
            throw new OptionsValidationException(section, typeof(T), [unreadable(bad)]);
        }

        complete?.Invoke(options);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T), problems.Select(p => p.ErrorMessage!));
        }

        return options;
    }
}
