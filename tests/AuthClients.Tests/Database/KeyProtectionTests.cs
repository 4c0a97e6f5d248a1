using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthClients.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Tests.Database;

/// <summary>
/// Data Protection keys in the database, encrypted with the certificate from
/// DataProtection:CertificatePath, as docs/operations.md recommends for production.
/// </summary>
public sealed class KeyProtectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("authclients-keys-").FullName;

    [Fact]
    public async Task WithACertificate_TheKeysInTheDatabaseAreEncrypted()
    {
        await using var app = new AuthClientsAppFactory { Settings = CertificateSettings(NewCertificate("current")) };
        var browser = await app.SignedInAsAdminAsync();

        await using var db = app.Database.OpenContext();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync(new Uri(AuthClientPages.List, UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ReplacedCertificate_KeptAsPrevious_StillOpensWhatWasProtectedBefore()
    {
        var first = NewCertificate("first");
        var second = NewCertificate("second");
        using var database = TestDatabase.Create();
        string id, secret;
        await using (var before = new AuthClientsAppFactory { Database = database, Settings = CertificateSettings(first) })
        {
            var browser = await before.SignedInAsAdminAsync();
            id = await browser.CreateClientAsync($"protected-{Guid.NewGuid():N}");
            secret = await browser.CopySecretAsync(id);
        }

        await using var restarted = new AuthClientsAppFactory { Database = database, Settings = CertificateSettings(second, first) };
        var again = await restarted.SignedInAsAdminAsync();

        // The encrypted copy of the secret was protected with a key that only the first certificate opens.
        Assert.Equal(secret, await again.CopySecretAsync(id));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The settings that encrypt the Data Protection keys with <paramref name="current"/>, and keep <paramref name="previous"/> to decrypt.</summary>
    private static Dictionary<string, string?> CertificateSettings((string Path, string Password) current, (string Path, string Password)? previous = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = current.Path,
            ["DataProtection:CertificatePassword"] = current.Password,
        };
        if (previous is { } old)
        {
            settings["DataProtection:PreviousCertificates:0:Path"] = old.Path;
            settings["DataProtection:PreviousCertificates:0:Password"] = old.Password;
        }

        return settings;
    }

    private (string Path, string Password) NewCertificate(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=AuthClients key protection {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Guid.NewGuid().ToString("N");
        var path = Path.Combine(_folder, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return (path, password);
    }
}
