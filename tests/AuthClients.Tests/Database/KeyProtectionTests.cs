using AuthClients.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Tests.Database;

/// <summary>
/// Data Protection keys in the database, encrypted with the certificate from
/// DataProtection:CertificatePath, as docs/operations.md recommends for production.
/// </summary>
public sealed class KeyProtectionTests
{
    [Fact]
    public async Task WithACertificate_TheKeysInTheDatabaseAreEncrypted()
    {
        using var certificate = new OperatorCertificate();
        await using var app = new AuthClientsAppFactory { Settings = CertificateSettings(certificate) };
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
        using var first = new OperatorCertificate();
        using var second = new OperatorCertificate();
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

    /// <summary>The settings that encrypt the Data Protection keys with <paramref name="current"/>, and keep <paramref name="previous"/> to decrypt.</summary>
    private static Dictionary<string, string?> CertificateSettings(OperatorCertificate current, OperatorCertificate? previous = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = current.Path,
            ["DataProtection:CertificatePassword"] = current.Password,
        };
        if (previous is not null)
        {
            settings["DataProtection:PreviousCertificates:0:Path"] = previous.Path;
            settings["DataProtection:PreviousCertificates:0:Password"] = previous.Password;
        }

        return settings;
    }
}
