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
/// key or certificate). RSA of 2048 bits or more, or EC on P-256 or P-384; private keys are refused
/// (the app must never hold one), as are short keys and anything malformed.
/// </summary>
public static class PublicKeys
{
    public const int MinRsaBits = 2048;
    public const string MissingMessage = "Paste the client's public key: a JSON Web Key (JSON) or a PEM block.";
    public const string PrivateKeyMessage = "This is a private key. Paste the public key only: the private key must never leave the client.";
    public const string MalformedMessage = "This is not a public key this server can read. Paste a JSON Web Key or a PEM block (-----BEGIN PUBLIC KEY-----).";
    public const string UnsupportedMessage = "Only RSA keys of 2048 bits or more and EC keys on P-256 or P-384 are accepted.";
    public const string ShortKeyMessage = "This RSA key has fewer than 2048 bits. Use a key of 2048 bits or more.";

    private static readonly string[] PrivateJwkMembers = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

    public static (ParsedPublicKey? Key, string? Error) Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, MissingMessage);
        }

        try
        {
            return text.StartsWith('{') ? FromJwk(text) : FromPem(text);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or FormatException or JsonException or InvalidOperationException)
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

        var jwk = new JsonWebKey(text);
        var kid = string.IsNullOrWhiteSpace(jwk.Kid) ? null : jwk.Kid;
        return jwk.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA when !string.IsNullOrEmpty(jwk.N) && !string.IsNullOrEmpty(jwk.E) =>
                Rsa(new RSAParameters { Modulus = Base64Url.DecodeFromChars(jwk.N), Exponent = Base64Url.DecodeFromChars(jwk.E) }, kid, jwk.Alg),
            JsonWebAlgorithmsKeyTypes.EllipticCurve when !string.IsNullOrEmpty(jwk.X) && !string.IsNullOrEmpty(jwk.Y) => Ec(jwk.Crv switch
            {
                JsonWebKeyECTypes.P256 => ECCurve.NamedCurves.nistP256,
                JsonWebKeyECTypes.P384 => ECCurve.NamedCurves.nistP384,
                _ => default,
            }, Base64Url.DecodeFromChars(jwk.X), Base64Url.DecodeFromChars(jwk.Y), kid, jwk.Alg),
            JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve => (null, MalformedMessage),
            _ => (null, UnsupportedMessage),
        };
    }

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
        using var rsa = RSA.Create();
        rsa.ImportParameters(parameters); // refuses a malformed modulus or exponent
        if (rsa.KeySize < MinRsaBits)
        {
            return (null, ShortKeyMessage);
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
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec));
        jwk.Alg = alg;
        return (new ParsedPublicKey(jwk, kid ?? Thumbprint(jwk)), null);
    }

    private static string Thumbprint(JsonWebKey jwk) => Base64Url.EncodeToString(jwk.ComputeJwkThumbprint());
}
