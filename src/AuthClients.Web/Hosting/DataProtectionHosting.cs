using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthClients.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

/// <summary>
/// The <c>DataProtection</c> section: the certificate that encrypts the Data Protection keys in the
/// database. Without one the keys are stored as they are, readable by anyone who can read the
/// database or a backup of it: set one in production.
/// </summary>
public sealed class KeyProtectionSettings
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with its private key: encrypts new keys, decrypts them.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Certificates replaced by <see cref="CertificatePath"/>, kept to decrypt the keys they encrypted.</summary>
    public IList<CertificateFile> PreviousCertificates { get; } = [];
}

public sealed class CertificateFile
{
    public string? Path { get; set; }

    public string? Password { get; set; }
}

public static class DataProtectionHosting
{
    /// <summary>
    /// Keys live in the database, so a restart or another instance can read cookies,
    /// anti-forgery tokens and the encrypted secret copies written by this one.
    /// </summary>
    public static IServiceCollection AddAppDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection()
            .SetApplicationName("AuthClients")
            .PersistKeysToDbContext<AppDbContext>();

        var settings = new KeyProtectionSettings();
        configuration.GetSection(KeyProtectionSettings.Section).Bind(settings);
        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            var current = Load(settings.CertificatePath, settings.CertificatePassword, $"{KeyProtectionSettings.Section}:CertificatePath");
            var previous = settings.PreviousCertificates
                .Where(c => !string.IsNullOrWhiteSpace(c.Path))
                .Select((c, i) => Load(c.Path!, c.Password, $"{KeyProtectionSettings.Section}:PreviousCertificates:{i}:Path"));
            builder.ProtectKeysWithCertificate(current)
                .UnprotectKeysWithAnyCertificate([current, .. previous]);
        }

        return services;
    }

    private static X509Certificate2 Load(string path, string? password, string setting)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey
                ? certificate
                : throw Invalid(setting, $"'{path}' has no private key: a .pfx with the private key is needed to decrypt the keys.");
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw Invalid(setting, $"'{path}' cannot be read as a .pfx certificate with its password: {failure.Message}");
        }
    }

    private static OptionsValidationException Invalid(string setting, string problem) =>
        new(KeyProtectionSettings.Section, typeof(KeyProtectionSettings), [$"{setting} {problem}"]);
}
