using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Connect;

/// <summary>An operator's own signing certificate (OAuthServer:SigningCertificatePath) replaces the generated keys.</summary>
public sealed class SigningCertificateTests : IDisposable
{
    private readonly string _pfxPath = Path.Combine(Path.GetTempPath(), $"authclients-signing-{Guid.NewGuid():N}.pfx");
    private readonly X509Certificate2 _certificate;
    private readonly AuthClientsAppFactory _app;

    public SigningCertificateTests()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Operator signing key", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(_pfxPath, _certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        _app = new AuthClientsAppFactory
        {
            Settings =
            {
                ["OAuthServer:SigningCertificatePath"] = _pfxPath,
                ["OAuthServer:SigningCertificatePassword"] = "pfx-password",
            },
        };
    }

    [Fact]
    public async Task Tokens_AreSignedWithTheConfiguredCertificate_AndOnlyItIsPublished()
    {
        var client = await _app.RegisterClientAsync();
        var http = _app.CreateClient();

        var token = await http.RequestClientTokenAsync(client);
        var jwks = await http.GetJsonWebKeySetAsync("/.well-known/jwks");

        var kid = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(token.AccessToken).Header.Kid;
        Assert.Equal(_certificate.Thumbprint, kid, ignoreCase: true);
        Assert.Equal([_certificate.Thumbprint.ToUpperInvariant()], jwks.KeySet!.Keys.Select(k => k.Kid.ToUpperInvariant()));
    }

    public void Dispose()
    {
        _app.Dispose();
        _certificate.Dispose();
        File.Delete(_pfxPath);
    }
}
