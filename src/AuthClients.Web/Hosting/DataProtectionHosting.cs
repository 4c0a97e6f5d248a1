using System.Security.Cryptography.X509Certificates;
using AuthClients.Web.Data;
using Microsoft.AspNetCore.DataProtection;

namespace AuthClients.Web.Hosting;

/// <summary>
/// The <c>DataProtection</c> section: the certificate that encrypts the Data Protection keys in the
/// database. Without one the keys are stored as they are, readable by anyone who can read the
/// database or a backup of it: set one in production.
/// </summary>
public sealed class KeyProtectionOptions
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

        var options = services.AddStartupOptions<KeyProtectionOptions>(configuration, KeyProtectionOptions.Section);
        var readable = options.PreviousCertificates
            .Select((c, i) => (File: c, Key: $"{KeyProtectionOptions.Section}:PreviousCertificates:{i}"))
            .Where(c => !string.IsNullOrWhiteSpace(c.File.Path))
            .Select(c => Load(c.File.Path!, c.File.Password, $"{c.Key}:Path", $"{c.Key}:Password"))
            .ToList();
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var current = Load(options.CertificatePath, options.CertificatePassword,
                $"{KeyProtectionOptions.Section}:CertificatePath", $"{KeyProtectionOptions.Section}:CertificatePassword");
            builder.ProtectKeysWithCertificate(current);
            readable.Insert(0, current);
        }

        // Without a current certificate new keys are stored as they are, but those encrypted before stay readable.
        if (readable.Count > 0)
        {
            builder.UnprotectKeysWithAnyCertificate([.. readable]);
        }

        return services;
    }

    private static X509Certificate2 Load(string path, string? password, string pathKey, string passwordKey) =>
        StartupOptions.LoadCertificate<KeyProtectionOptions>(KeyProtectionOptions.Section, path, password, pathKey, passwordKey);
}
