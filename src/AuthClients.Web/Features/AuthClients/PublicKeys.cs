using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>A public key an administrator pasted, as the JSON Web Key it is stored as.</summary>
public sealed record ParsedPublicKey(JsonWebKey Key, string KeyId)
{
    /// <summary>The public JWK as stored and served: public parameters, <c>kid</c>, <c>kty</c> (and <c>alg</c>/<c>crv</c>).</summary>
    public string Json => JsonSerializer.Serialize(Key switch
    {
        { Kty: JsonWebAlgorithmsKeyTypes.RSA } => new Dictionary<string, string?> { ["kty"] = Key.Kty, ["kid"] = KeyId, ["alg"] = Key.Alg, ["n"] = Key.N, ["e"] = Key.E },
        _ => new Dictionary<string, string?> { ["kty"] = Key.Kty, ["kid"] = KeyId, ["alg"] = Key.Alg, ["crv"] = Key.Crv, ["x"] = Key.X, ["y"] = Key.Y },
    }, WithoutNulls);

    private static readonly JsonSerializerOptions WithoutNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}

/// <summary>
/// Reads the public key of a <c>private_key_jwt</c> client: a JSON Web Key or a PEM block (public
/// key, PKCS#1 RSA public key or certificate). RSA of 2048 bits or more (odd exponent of 3 or more),
/// or EC on P-256 or P-384 (the point on the curve); private keys are refused (the app must never
/// hold one), as are short keys, an <c>alg</c> that does not fit the key, a <c>kid</c> that does not
/// fit its column, and anything malformed. Never throws: every refusal is one of the messages below.
/// </summary>
public static class PublicKeys
{
    public const int MinRsaBits = 2048;

    /// <summary>Far more than a certificate chain's PEM; the rest is not read.</summary>
    public const int MaxLength = 16_000;

    /// <summary>The <c>KeyId</c> column's length.</summary>
    public const int MaxKeyIdLength = 100;
    public const string MissingMessage = "Paste the client's public key: a JSON Web Key (JSON) or a PEM block.";
    public const string PrivateKeyMessage = "This is a private key. Paste the public key only: the private key must never leave the client.";
    public const string MalformedMessage = "This is not a public key this server can read. Paste a JSON Web Key or a PEM block (-----BEGIN PUBLIC KEY-----).";
    public const string UnsupportedMessage = "Only RSA keys of 2048 bits or more and EC keys on P-256 or P-384 are accepted.";
    public const string ShortKeyMessage = "This RSA key has fewer than 2048 bits. Use a key of 2048 bits or more.";
    public const string AlgorithmMessage = "The key's \"alg\" does not fit it: RS256, RS384, RS512, PS256, PS384 or PS512 for RSA, ES256 for P-256, ES384 for P-384 (or leave \"alg\" out).";
    public static readonly string KeyIdMessage = $"The key's \"kid\" must be at most {MaxKeyIdLength} characters, without line breaks or other control characters (or leave it out).";

    private static readonly HashSet<string> RsaAlgorithms = new(StringComparer.Ordinal) { "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" };

    private static readonly string[] PrivateJwkMembers = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

    public static (ParsedPublicKey? Key, string? Error) Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, MissingMessage);
        }

        if (text.Length > MaxLength)
        {
            return (null, MalformedMessage);
        }

        try
        {
            return text.StartsWith('{') ? FromJwk(text) : FromPem(text);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or FormatException or JsonException
            or InvalidOperationException or NotSupportedException or OverflowException)
        {
            return (null, MalformedMessage);
        }
    }

    private static (ParsedPublicKey?, string?) FromJwk(string text)
    {
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, MalformedMessage);
        }

        if (PrivateJwkMembers.Any(member => document.RootElement.TryGetProperty(member, out _)))
        {
            return (null, PrivateKeyMessage);
        }

        // Read here, not by JsonWebKey: it takes members from nested objects too (a key set passed for a key).
        var root = document.RootElement;
        var (kty, kid, alg) = (Member(root, "kty"), Member(root, "kid"), Member(root, "alg"));
        if (kid is not null && (kid.Length > MaxKeyIdLength || kid.Any(char.IsControl)))
        {
            return (null, KeyIdMessage);
        }

        kid = string.IsNullOrWhiteSpace(kid) ? null : kid;
        return kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA when Member(root, "n") is { Length: > 0 } n && Member(root, "e") is { Length: > 0 } e =>
                Rsa(new RSAParameters { Modulus = Base64Url.DecodeFromChars(n), Exponent = Base64Url.DecodeFromChars(e) }, kid, alg),
            JsonWebAlgorithmsKeyTypes.EllipticCurve when Member(root, "x") is { Length: > 0 } x && Member(root, "y") is { Length: > 0 } y => Ec(Member(root, "crv") switch
            {
                JsonWebKeyECTypes.P256 => ECCurve.NamedCurves.nistP256,
                JsonWebKeyECTypes.P384 => ECCurve.NamedCurves.nistP384,
                _ => default,
            }, Base64Url.DecodeFromChars(x), Base64Url.DecodeFromChars(y), kid, alg),
            JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve or null or "" => (null, MalformedMessage),
            _ => (null, UnsupportedMessage),
        };
    }

    /// <summary>A top-level string member; absent is null, any other JSON type is malformed.</summary>
    private static string? Member(JsonElement jwk, string name) =>
        !jwk.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"The JWK member \"{name}\" is not a string.");

    private static (ParsedPublicKey?, string?) FromPem(string text)
    {
        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return (null, PrivateKeyMessage);
        }

        if (!text.Contains("-----BEGIN ", StringComparison.Ordinal))
        {
            return (null, MalformedMessage);
        }

        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var certificate = X509Certificate2.CreateFromPem(text);
            using var certificateRsa = certificate.GetRSAPublicKey();
            if (certificateRsa is not null)
            {
                return Rsa(certificateRsa.ExportParameters(false), null, null);
            }

            using var certificateEc = certificate.GetECDsaPublicKey();
            return certificateEc is null ? (null, UnsupportedMessage) : FromEcdsa(certificateEc);
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(text);
            return Rsa(rsa.ExportParameters(false), null, null);
        }
        catch (CryptographicException)
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(text);
            return FromEcdsa(ec);
        }
    }

    private static (ParsedPublicKey?, string?) FromEcdsa(ECDsa ec)
    {
        var parameters = ec.ExportParameters(false);
        var curve = parameters.Curve.Oid?.Value switch
        {
            "1.2.840.10045.3.1.7" => ECCurve.NamedCurves.nistP256,
            "1.3.132.0.34" => ECCurve.NamedCurves.nistP384,
            _ => default,
        };
        return Ec(curve, parameters.Q.X!, parameters.Q.Y!, null, null);
    }

    private static (ParsedPublicKey?, string?) Rsa(RSAParameters parameters, string? kid, string? alg)
    {
        // An exponent of 1 makes every "signature" its own message; an even one is no RSA key.
        var exponent = new System.Numerics.BigInteger(parameters.Exponent, isUnsigned: true, isBigEndian: true);
        if (exponent < 3 || exponent.IsEven)
        {
            return (null, MalformedMessage);
        }

        using var rsa = RSA.Create();
        rsa.ImportParameters(parameters); // refuses a malformed modulus or exponent
        if (rsa.KeySize < MinRsaBits)
        {
            return (null, ShortKeyMessage);
        }

        if (alg is not null && !RsaAlgorithms.Contains(alg))
        {
            return (null, AlgorithmMessage);
        }

        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
        jwk.Alg = alg;
        return (new ParsedPublicKey(jwk, kid ?? Thumbprint(jwk)), null);
    }

    private static (ParsedPublicKey?, string?) Ec(ECCurve curve, byte[] x, byte[] y, string? kid, string? alg)
    {
        if (curve.Oid is null)
        {
            return (null, UnsupportedMessage);
        }

        using var ec = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } }); // refuses a point off the curve
        if (alg is not null && alg != (curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value ? "ES256" : "ES384"))
        {
            return (null, AlgorithmMessage);
        }

        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec));
        jwk.Alg = alg;
        return (new ParsedPublicKey(jwk, kid ?? Thumbprint(jwk)), null);
    }

    private static string Thumbprint(JsonWebKey jwk) => Base64Url.EncodeToString(jwk.ComputeJwkThumbprint());
}
