using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace AuthClients.Web.Connect;

/// <summary>
/// Keeps the authorization server's keys in the database so that every instance signs and
/// validates with the same keys, and keys survive restarts. A signing key is published for
/// <see cref="PublishAhead"/> before it starts signing, so resource servers that cache the JWKS
/// already know it when the first token signed with it arrives.
/// </summary>
public sealed class ServerKeyStore(IServiceScopeFactory scopes, IDataProtectionProvider dataProtection, TimeProvider clock, IOptions<OAuthServerOptions> settings)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public const string SigningUse = "sig";
    public const string EncryptionUse = "enc";
    public static readonly TimeSpan SigningKeyLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan PublishAhead = TimeSpan.FromDays(14);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("AuthClients.ServerKeys.v1");

    /// <summary>Creates the keys that are missing: a signing key now, the next one ahead of time, an encryption key.</summary>
    public async Task EnsureKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var signing = await db.ServerKeys.Where(k => k.Use == SigningUse && k.NotAfter > now).ToListAsync(cancellationToken);

        // The first key starts a few minutes back, so clocks slightly behind ours accept it at once.
        var latestEnd = signing.Count == 0 ? now.AddMinutes(-5) : signing.Max(k => k.NotAfter);
        if (signing.Count == 0 || latestEnd - now < PublishAhead)
        {
            // The next key starts when the latest one ends, and is published from today.
            db.ServerKeys.Add(NewSigningKey(now, latestEnd));
        }

        if (!await db.ServerKeys.AnyAsync(k => k.Use == EncryptionUse, cancellationToken))
        {
            db.ServerKeys.Add(new ServerKey
            {
                Id = NewKeyId(),
                Use = EncryptionUse,
                Algorithm = SecurityAlgorithms.Aes256KW,
                ProtectedKey = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
                CreatedAt = now,
                NotBefore = now,
                NotAfter = DateTime.MaxValue,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Loads every key not yet expired into OpenIddict.</summary>
    public void Configure(OpenIddictServerOptions options)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = db.ServerKeys.AsNoTracking().Where(k => k.NotAfter > now).ToList();

        // Signing keys are self-signed certificates whose validity is the key's period in force:
        // OpenIddict signs with the certificate valid now and publishes the next one in the JWKS.
        // An operator's certificate file, when configured, replaces them.
        if (settings.Value.SigningCertificatePath is { } path)
        {
            var file = X509CertificateLoader.LoadPkcs12FromFile(path, settings.Value.SigningCertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
            options.SigningCredentials.Add(new X509SigningCredentials(file, SecurityAlgorithms.RsaSha256));
        }

        foreach (var key in keys.Where(k => k.Use == SigningUse && settings.Value.SigningCertificatePath == null).OrderBy(k => k.NotBefore))
        {
            var certificate = X509CertificateLoader.LoadPkcs12(
                Convert.FromBase64String(_protector.Unprotect(key.ProtectedKey)), password: null, X509KeyStorageFlags.EphemeralKeySet);
            options.SigningCredentials.Add(new X509SigningCredentials(certificate, SecurityAlgorithms.RsaSha256));
        }

        foreach (var key in keys.Where(k => k.Use == EncryptionUse).OrderBy(k => k.CreatedAt))
        {
            var bytes = Convert.FromBase64String(_protector.Unprotect(key.ProtectedKey));
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(bytes) { KeyId = key.Id }, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    private ServerKey NewSigningKey(DateTime now, DateTime notBefore)
    {
        using var rsa = RSA.Create(2048);
        var id = NewKeyId();
        var request = new CertificateRequest($"CN=AuthClients signing key {id}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore + SigningKeyLifetime);
        return new ServerKey
        {
            Id = id,
            Use = SigningUse,
            Algorithm = SecurityAlgorithms.RsaSha256,
            ProtectedKey = _protector.Protect(Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12))),
            CreatedAt = now,
            NotBefore = notBefore,
            NotAfter = notBefore + SigningKeyLifetime,
        };
    }

    private static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
