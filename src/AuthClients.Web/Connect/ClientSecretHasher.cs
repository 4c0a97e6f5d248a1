using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// Client secret verifiers. New ones are <c>$hmac-sha256$kid$mac</c>: HMAC-SHA256 of the secret
/// keyed with a server key that is not in the client's row (<see cref="ServerKeyStore"/> keeps it,
/// encrypted with Data Protection). Generated secrets carry 256 bits, so a fast keyed hash is as
/// strong as key stretching and a copy of the table alone cannot be guessed against offline
/// (docs/security.md). OpenIddict's own PBKDF2 verifiers (base64 of a 0x01-led blob) are still
/// verified, so clients created before the switch keep working and are upgraded on use.
/// </summary>
public sealed class ClientSecretHasher(ServerKeyStore keys, IOptions<TokenPerformanceOptions> options)
{
    public const string HmacPrefix = "$hmac-sha256$";
    private const int MacBytes = 32;

    // What OpenIddict 7.8's own PBKDF2 check costs: 10,000 iterations of HMAC-SHA256.
    private const int Pbkdf2Iterations = 10_000;
    private const int Pbkdf2SaltBytes = 16;
    private const int Pbkdf2SubkeyBytes = 32;

    private static readonly byte[] DomainSeparator = "AuthClients client secret v1\0"u8.ToArray();
    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(Pbkdf2SaltBytes);
    private static readonly byte[] DummyMac = RandomNumberGenerator.GetBytes(MacBytes);

    private readonly SecretHashing _hashing = options.Value.EffectiveSecretHashing;

    public static bool IsHmacVerifier(string? verifier) => verifier?.StartsWith(HmacPrefix, StringComparison.Ordinal) == true;

    /// <summary>True when new verifiers are HMAC ones; otherwise OpenIddict writes its PBKDF2 verifiers.</summary>
    public bool WritesHmac => _hashing == SecretHashing.HmacSha256;

    /// <summary>An HMAC verifier for a secret.</summary>
    public string HashHmac(string secret)
    {
        var key = keys.CurrentSecretKey();
        return HmacPrefix + key.Id + "$" + Base64Url.EncodeToString(Mac(key.Key, secret));
    }

    /// <summary>True when <paramref name="secret"/> matches an HMAC <paramref name="verifier"/>, compared in constant time.</summary>
    public bool VerifyHmac(string secret, string verifier)
    {
        var parts = verifier[HmacPrefix.Length..].Split('$');
        if (parts.Length != 2 || keys.FindSecretKey(parts[0]) is not { } key || !TryDecode(parts[1], out var expected) || expected.Length != MacBytes)
        {
            // Still spend the MAC, so a malformed row costs what a wrong secret does.
            CryptographicOperations.FixedTimeEquals(Mac(keys.CurrentSecretKey().Key, secret), DummyMac);
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(key, secret), expected);
    }

    /// <summary>
    /// The work a wrong secret costs for a client that exists, spent for one that does not, so
    /// the answer's timing does not tell which client IDs exist.
    /// </summary>
    public void SpendFailedCheck(string? presented)
    {
        var secret = string.IsNullOrEmpty(presented) ? "-" : presented;
        if (_hashing == SecretHashing.HmacSha256)
        {
            CryptographicOperations.FixedTimeEquals(Mac(keys.CurrentSecretKey().Key, secret), DummyMac);
        }
        else
        {
            var subkey = Rfc2898DeriveBytes.Pbkdf2(secret, DummySalt, Pbkdf2Iterations, HashAlgorithmName.SHA256, Pbkdf2SubkeyBytes);
            CryptographicOperations.FixedTimeEquals(subkey, DummyMac);
        }
    }

    private static byte[] Mac(byte[] key, string secret)
    {
        var input = new byte[DomainSeparator.Length + Encoding.UTF8.GetByteCount(secret)];
        DomainSeparator.CopyTo(input, 0);
        Encoding.UTF8.GetBytes(secret, input.AsSpan(DomainSeparator.Length));
        return HMACSHA256.HashData(key, input);
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
