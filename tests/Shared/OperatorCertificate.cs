using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthClients.Tests.Shared;

/// <summary>
/// A certificate as an operator gives one to the app (OAuthServer:SigningCertificatePath,
/// DataProtection:CertificatePath): a new self-signed RSA certificate in a password-protected .pfx
/// file in the temp folder. Disposing it deletes the file.
/// </summary>
public sealed class OperatorCertificate : IDisposable
{
    public OperatorCertificate()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=AuthClients test operator", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        Thumbprint = certificate.Thumbprint;
        File.WriteAllBytes(Path, certificate.Export(X509ContentType.Pkcs12, Password));
    }

    /// <summary>The .pfx file.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"authclients-certificate-{Guid.NewGuid():N}.pfx");

    /// <summary>The password of the .pfx file; a new one each time, so no fixed text a test tries as a wrong password can match it.</summary>
    public string Password { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The certificate's SHA-1 thumbprint, upper-case hex: the key id the app publishes for it.</summary>
    public string Thumbprint { get; }

    public void Dispose() => File.Delete(Path);
}
