using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Connect;

/// <summary>An operator's own signing certificate (OAuthServer:SigningCertificatePath) replaces the generated keys.</summary>
public sealed class SigningCertificateTests : IDisposable
{
    private readonly OperatorCertificate _certificate = new();
    private readonly AuthClientsAppFactory _app;

    public SigningCertificateTests()
    {
        _app = new AuthClientsAppFactory
        {
            Settings =
            {
                ["OAuthServer:SigningCertificatePath"] = _certificate.Path,
                ["OAuthServer:SigningCertificatePassword"] = _certificate.Password,
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
    }
}
