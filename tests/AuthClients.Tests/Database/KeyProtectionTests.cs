using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthClients.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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
        await using var app = new AuthClientsAppFactory();
        using var encrypting = WithCertificates(app, NewCertificate("current"));
        var browser = await encrypting.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SignedInAsync();

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
        var database = AuthClientsAppFactory.NewDatabasePath();
        try
        {
            string id, secret;
            await using (var before = AuthClientsAppFactory.OnDatabase(database))
            {
                using var app = WithCertificates(before, first);
                var browser = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SignedInAsync();
                id = await browser.CreateClientAsync($"protected-{Guid.NewGuid():N}");
                secret = await browser.CopySecretAsync(id);
            }

            await using var after = AuthClientsAppFactory.OnDatabase(database);
            using var restarted = WithCertificates(after, second, first);
            var again = await restarted.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SignedInAsync();

            // The encrypted copy of the secret was protected with a key that only the first certificate opens.
            Assert.Equal(secret, await again.CopySecretAsync(id));
        }
        finally
        {
            AuthClientsAppFactory.DeleteDatabaseFiles(database);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static WebApplicationFactory<Program> WithCertificates(AuthClientsAppFactory app, (string Path, string Password) current, (string Path, string Password)? previous = null) =>
        app.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("DataProtection:CertificatePath", current.Path);
            builder.UseSetting("DataProtection:CertificatePassword", current.Password);
            if (previous is { } old)
            {
                builder.UseSetting("DataProtection:PreviousCertificates:0:Path", old.Path);
                builder.UseSetting("DataProtection:PreviousCertificates:0:Password", old.Password);
            }
        });

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

internal static class SignedInClients
{
    public static async Task<HttpClient> SignedInAsync(this HttpClient browser)
    {
        await browser.SignInAsAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);
        return browser;
    }
}
