using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// Generates client secrets and keeps the encrypted copy that the "Copy Client Secret to
/// Clipboard" action decrypts. OpenIddict keeps its own one-way verifier for authentication.
/// </summary>
public sealed class ClientSecrets(IDataProtectionProvider dataProtection)
{
    /// <summary>256 bits from the operating system's CSPRNG, base64url: 43 URL-safe characters.</summary>
    public const int SecretBytes = 32;

    private readonly IDataProtector _protector = dataProtection.CreateProtector("AuthClients.ClientSecretCopy.v1");

    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
