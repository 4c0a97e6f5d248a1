using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

/// <summary>
/// The one way the app reads its settings: every section is an <c>XxxOptions</c> class with a
/// <c>Section</c> constant, read through <see cref="AddStartupOptions{T}"/> before the container
/// exists (several decide which services are registered) and registered as <see cref="IOptions{T}"/>.
/// A value of the wrong type, a list given as a single value, or a value out of range stops the
/// app with an <see cref="OptionsValidationException"/> whose message names the setting.
/// Program.cs prints it and exits with code 1.
/// </summary>
internal static class StartupOptions
{
    /// <summary>
    /// Reads and checks the section, registers it as <see cref="IOptions{T}"/> (the same instance
    /// this returns) and returns it for the registrations it decides.
    /// </summary>
    /// <param name="complete">Fills what does not come from the section itself, before the checks run.</param>
    public static T AddStartupOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Action<T>? complete = null)
        where T : class, new()
    {
        var options = Read(configuration, section, complete);
        services.AddSingleton(Options.Create(options));
        return options;
    }

    private static T Read<T>(IConfiguration configuration, string section, Action<T>? complete)
        where T : class, new()
    {
        var values = configuration.GetSection(section);
        var unreadable = Unreadable(values, typeof(T)).ToList();
        if (unreadable.Count > 0)
        {
            throw new OptionsValidationException(section, typeof(T), unreadable);
        }

        T options;
        try
        {
            options = values.Get<T>() ?? new T();
        }
        catch (InvalidOperationException bad)
        {
            // A type the check above does not know; the binder's message names the setting too.
            throw new OptionsValidationException(section, typeof(T), [bad.Message]);
        }

        complete?.Invoke(options);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T), problems.Select(p => p.ErrorMessage!));
        }

        return options;
    }

    /// <summary>
    /// A PKCS#12 (.pfx) file with its private key, or a message naming <paramref name="pathKey"/>
    /// and <paramref name="passwordKey"/> when it cannot be read.
    /// </summary>
    public static X509Certificate2 LoadCertificate<T>(string section, string path, string? password, string pathKey, string passwordKey)
    {
        if (!File.Exists(path))
        {
            throw Invalid($"{pathKey} '{path}' cannot be read: there is no such file.");
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            if (certificate.HasPrivateKey)
            {
                return certificate;
            }

            certificate.Dispose();
            throw Invalid($"{pathKey} '{path}' has no private key: a .pfx with the private key is needed.");
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw Invalid($"{pathKey} '{path}' cannot be read as a .pfx certificate with {passwordKey}: {failure.Message}");
        }

        OptionsValidationException Invalid(string problem) => new(section, typeof(T), [problem]);
    }

    /// <summary>Every value under <paramref name="setting"/> that <paramref name="type"/> cannot hold, as a message naming its key.</summary>
    private static IEnumerable<string> Unreadable(IConfigurationSection setting, Type type)
    {
        if (IsValue(type))
        {
            if (setting.Value is { } value && Expected(setting, type) is { } expected)
            {
                yield return $"{setting.Path} '{value}' is not {expected}.";
            }

            yield break;
        }

        var (itemType, numbered) = ItemType(type);
        if (setting.Value is { Length: > 0 } ignored)
        {
            // The binder would skip it without a word, as if the setting were not there.
            yield return numbered
                ? $"{setting.Path} '{ignored}' is not read: it is a list, set {setting.Path}:0, {setting.Path}:1 and so on."
                : $"{setting.Path} '{ignored}' is not read: it is a group of settings, set {setting.Path}:<name> instead.";
        }

        var children = itemType is null
            ? type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || !IsValue(p.PropertyType)))
                .Select(p => (Setting: setting.GetSection(p.Name), Type: p.PropertyType))
            : setting.GetChildren().Select(item => (Setting: item, Type: itemType));
        foreach (var child in children)
        {
            foreach (var problem in Unreadable(child.Setting, child.Type))
            {
                yield return problem;
            }
        }
    }

    /// <returns>null when the binder reads <paramref name="setting"/> as a <paramref name="type"/>; otherwise what it expects.</returns>
    private static string? Expected(IConfigurationSection setting, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            // The binder itself, so that what passes here binds the same way.
            var value = setting.Get(type);
            if (!target.IsEnum || value is null || Enum.IsDefined(target, value))
            {
                return null;
            }
        }
        catch (InvalidOperationException)
        {
        }

        return target switch
        {
            _ when target == typeof(TimeSpan) => "a time span such as 00:05:00 (five minutes) or 14.00:00:00 (14 days)",
            _ when target == typeof(bool) => "true or false",
            _ when target == typeof(int) || target == typeof(long) => "a whole number",
            _ when target.IsEnum => $"one of {string.Join(", ", Enum.GetNames(target))}",
            _ when target == typeof(Uri) => "a URL",
            _ => $"a {target.Name}",
        };
    }

    /// <summary>A single value (a string, number, time span, enum...), not a group of settings or a list.</summary>
    private static bool IsValue(Type type) =>
        type == typeof(string) || TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    /// <summary>The values of a dictionary (keyed by name) or of a list (numbered); no item type for anything else.</summary>
    private static (Type? Item, bool Numbered) ItemType(Type type)
    {
        var interfaces = type.GetInterfaces().Append(type).Where(i => i.IsGenericType).ToList();
        if (interfaces.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dictionary)
        {
            return (dictionary.GetGenericArguments()[1], false);
        }

        var list = interfaces.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return (list?.GetGenericArguments()[0], list is not null);
    }
}
