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
/// already know it when the first token signed with it arrives. There is a signing key chain per
/// algorithm (RS256 for ID tokens and the baseline, ES256 for access tokens), one HMAC key for the
/// tokens only this server reads (<see cref="ServerOnlySigningUse"/>), and one key for the client
/// secret verifiers (<see cref="ClientSecretHasher"/>); those two never leave the server.
/// </summary>
public sealed class ServerKeyStore(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    IOptions<TokenPerformanceOptions> performance,
    IOptions<OAuthServerOptions> settings)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public const string SigningUse = "sig";
    public const string EncryptionUse = "enc";

    /// <summary>The key of the client secret verifiers (HMAC-SHA256).</summary>
    public const string SecretVerifierUse = "secret";

    /// <summary>
    /// The HMAC-SHA256 key that signs the tokens no one but this server reads: authorization codes and
    /// refresh tokens (<see cref="ClientAccessTokenIssuer"/>). They are encrypted with the <c>enc</c>
    /// key as well; an ECDSA signature inside cost a verification and a signature per grant for
    /// nothing a public key could let anyone else check. Never published; loaded except in the baseline.
    /// </summary>
    public const string ServerOnlySigningUse = "sig-own";

    public static readonly TimeSpan SigningKeyLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan PublishAhead = TimeSpan.FromDays(14);
    public static readonly IReadOnlyList<string> SigningAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    private readonly IDataProtector _protector = dataProtection.CreateProtector("AuthClients.ServerKeys.v1");
    private readonly Lock _secretKeysLock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime NotBefore, DateTime NotAfter)> _ecdsaPeriods = new(StringComparer.Ordinal);
    private volatile SecretKeys? _secretKeys;

    /// <summary>Creates the keys that are missing: a signing key now, the next one ahead of time, an encryption key.</summary>
    public async Task EnsureKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var algorithm in SigningAlgorithms)
        {
            var signing = await db.ServerKeys.Where(k => k.Use == SigningUse && k.Algorithm == algorithm && k.NotAfter > now).ToListAsync(cancellationToken);

            // The first key starts a few minutes back, so clocks slightly behind ours accept it at once.
            var latestEnd = signing.Count == 0 ? now.AddMinutes(-5) : signing.Max(k => k.NotAfter);
            if (signing.Count == 0 || latestEnd - now < PublishAhead)
            {
                // The next key starts when the latest one ends, and is published from today.
                db.ServerKeys.Add(NewSigningKey(algorithm, now, latestEnd));
            }
        }

        if (!await db.ServerKeys.AnyAsync(k => k.Use == SecretVerifierUse, cancellationToken))
        {
            db.ServerKeys.Add(NewSymmetricKey(SecretVerifierUse, SecurityAlgorithms.HmacSha256, now));
        }

        if (!await db.ServerKeys.AnyAsync(k => k.Use == EncryptionUse, cancellationToken))
        {
            db.ServerKeys.Add(NewSymmetricKey(EncryptionUse, SecurityAlgorithms.Aes256KW, now));
        }

        if (!await db.ServerKeys.AnyAsync(k => k.Use == ServerOnlySigningUse, cancellationToken))
        {
            db.ServerKeys.Add(NewSymmetricKey(ServerOnlySigningUse, SecurityAlgorithms.HmacSha256, now));
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

        // The baseline is OpenIddict's default: RSA only. Otherwise both chains are loaded and
        // published; ClientAccessTokenIssuer picks the key per token type.
        var algorithms = performance.Value.EffectiveAccessTokenAlgorithm == AccessTokenAlgorithm.RS256
            ? [SecurityAlgorithms.RsaSha256]
            : SigningAlgorithms;

        // Signing keys are self-signed certificates whose validity is the key's period in force:
        // OpenIddict signs with the certificate valid now and publishes the next one in the JWKS.
        // An operator's certificate file, when configured, replaces them all (every published token
        // is then RS256-signed with it: the ES256 selection falls back to it; codes and refresh
        // tokens keep the server's own key).
        if (settings.Value.SigningCertificatePath is { } path && !string.IsNullOrWhiteSpace(path))
        {
            var file = X509CertificateLoader.LoadPkcs12FromFile(path, settings.Value.SigningCertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
            options.SigningCredentials.Add(new X509SigningCredentials(file, SecurityAlgorithms.RsaSha256));
            algorithms = [];
        }

        foreach (var key in keys.Where(k => k.Use == SigningUse && algorithms.Contains(k.Algorithm)).OrderBy(k => k.NotBefore))
        {
            var certificate = X509CertificateLoader.LoadPkcs12(
                Convert.FromBase64String(_protector.Unprotect(key.ProtectedKey)), password: null, X509KeyStorageFlags.EphemeralKeySet);
            if (key.Algorithm == SecurityAlgorithms.EcdsaSha256)
            {
                // Microsoft.IdentityModel signs ES256 only with a bare ECDSA key, not an X.509 one;
                // OpenIddict cannot then tell from the key which one is in force: EcdsaKeyInForce does.
                _ecdsaPeriods[key.Id] = (key.NotBefore, key.NotAfter);
                options.SigningCredentials.Add(new SigningCredentials(
                    new ECDsaSecurityKey(certificate.GetECDsaPrivateKey()!) { KeyId = key.Id }, SecurityAlgorithms.EcdsaSha256));
                certificate.Dispose();
            }
            else
            {
                options.SigningCredentials.Add(new X509SigningCredentials(certificate, key.Algorithm));
            }
        }

        // OpenIddict prefers a symmetric key for every token but ID tokens and never publishes one;
        // ClientAccessTokenIssuer gives it only the tokens this server alone reads.
        if (!performance.Value.Baseline)
        {
            foreach (var key in keys.Where(k => k.Use == ServerOnlySigningUse).OrderBy(k => k.CreatedAt))
            {
                options.SigningCredentials.Add(new SigningCredentials(
                    new SymmetricSecurityKey(Convert.FromBase64String(_protector.Unprotect(key.ProtectedKey))) { KeyId = key.Id }, SecurityAlgorithms.HmacSha256));
            }
        }

        foreach (var key in keys.Where(k => k.Use == EncryptionUse).OrderBy(k => k.CreatedAt))
        {
            var bytes = Convert.FromBase64String(_protector.Unprotect(key.ProtectedKey));
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(bytes) { KeyId = key.Id }, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    /// <summary>Of OpenIddict's ES256 credentials, the one whose period includes now (the latest to start, during a hand-over).</summary>
    public SigningCredentials? EcdsaKeyInForce(IEnumerable<SigningCredentials> credentials)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return credentials
            .Where(c => c.Algorithm == SecurityAlgorithms.EcdsaSha256 && c.Key.KeyId is { } id &&
                _ecdsaPeriods.TryGetValue(id, out var period) && period.NotBefore <= now && now < period.NotAfter)
            .MaxBy(c => _ecdsaPeriods[c.Key.KeyId].NotBefore);
    }

    /// <summary>The key new client secret verifiers are made with: the oldest, so every instance picks the same one.</summary>
    public (string Id, byte[] Key) CurrentSecretKey()
    {
        var keys = _secretKeys ?? LoadSecretKeys();
        return (keys.CurrentId, keys.ById[keys.CurrentId]);
    }

    /// <summary>The key a verifier names, or null when there is no such key.</summary>
    public byte[]? FindSecretKey(string id)
    {
        var keys = _secretKeys ?? LoadSecretKeys();
        if (keys.ById.TryGetValue(id, out var key))
        {
            return key;
        }

        // Made by another instance since this one loaded them? (Two instances starting together on an empty database.)
        return LoadSecretKeys().ById.GetValueOrDefault(id);
    }

    private SecretKeys LoadSecretKeys()
    {
        lock (_secretKeysLock)
        {
            using var scope = scopes.CreateScope();
            var rows = scope.ServiceProvider.GetRequiredService<AppDbContext>().ServerKeys.AsNoTracking()
                .Where(k => k.Use == SecretVerifierUse)
                .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
                .ToList();
            if (rows.Count == 0)
            {
                throw new InvalidOperationException("The client secret verifier key is missing: the database was not prepared (ServerKeyStore.EnsureKeysAsync).");
            }

            var keys = new SecretKeys(rows[0].Id, rows.ToDictionary(k => k.Id, k => Convert.FromBase64String(_protector.Unprotect(k.ProtectedKey)), StringComparer.Ordinal));
            _secretKeys = keys;
            return keys;
        }
    }

    private ServerKey NewSymmetricKey(string use, string algorithm, DateTime now) => new()
    {
        Id = NewKeyId(),
        Use = use,
        Algorithm = algorithm,
        ProtectedKey = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        CreatedAt = now,
        NotBefore = now,
        NotAfter = DateTime.MaxValue,
    };

    private ServerKey NewSigningKey(string algorithm, DateTime now, DateTime notBefore)
    {
        var id = NewKeyId();
        var subject = $"CN=AuthClients signing key {id}";
        using var certificate = algorithm == SecurityAlgorithms.EcdsaSha256 ? SelfSignedEcdsa(subject, notBefore) : SelfSignedRsa(subject, notBefore);
        return new ServerKey
        {
            Id = id,
            Use = SigningUse,
            Algorithm = algorithm,
            ProtectedKey = _protector.Protect(Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12))),
            CreatedAt = now,
            NotBefore = notBefore,
            NotAfter = notBefore + SigningKeyLifetime,
        };
    }

    private static X509Certificate2 SelfSignedRsa(string subject, DateTime notBefore)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(notBefore, notBefore + SigningKeyLifetime);
    }

    private static X509Certificate2 SelfSignedEcdsa(string subject, DateTime notBefore)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(notBefore, notBefore + SigningKeyLifetime);
    }

    private static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private sealed record SecretKeys(string CurrentId, IReadOnlyDictionary<string, byte[]> ById);
}
