using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthClients.Web.Features.AuthClients;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// <see cref="PublicKeys.Parse"/> over a generated family of what an administrator might paste: every
/// private form (refused, whatever its wrapping), every key size and curve on either side of the
/// rules, certificates, and broken input. No exception may escape; an accepted key must verify what
/// its private half signed, and hold nothing private.
/// </summary>
public sealed class PublicKeyParsingTests
{
    /// <summary>What the text is, its expected refusal (null: accepted), and the private key that must verify against it when accepted.</summary>
    private sealed record Case(string Text, string? Error, AsymmetricAlgorithm? Signer = null, string? Algorithm = null);

    private static readonly Lazy<Dictionary<string, Case>> All = new(Build);

    public static TheoryData<string> Names => [.. All.Value.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Parse_AcceptsOrRefusesWithTheRightMessage(string name)
    {
        var expected = All.Value[name];

        var (key, error) = PublicKeys.Parse(expected.Text);

        Assert.Equal(expected.Error, error);
        if (expected.Error is not null)
        {
            Assert.Null(key);
            return;
        }

        Assert.NotNull(key);
        using var stored = JsonDocument.Parse(key.Json);
        Assert.DoesNotContain(stored.RootElement.EnumerateObject(), p => p.Name is "d" or "p" or "q" or "dp" or "dq" or "qi" or "k" or "oth");
        Assert.Equal(key.KeyId, stored.RootElement.GetProperty("kid").GetString());
        Assert.True(Verifies(expected, new JsonWebKey(key.Json)), "the stored key does not verify what its private half signed");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Parse_OfNothing_AsksForAKey(string? text) =>
        Assert.Equal((null, PublicKeys.MissingMessage), PublicKeys.Parse(text));

    [Fact]
    public void Parse_NamesAKeyByItsThumbprint_UnlessItsJwkNamesIt()
    {
        using var rsa = RSA.Create(2048);
        var jwk = PublicJwk(rsa);

        var fromPem = PublicKeys.Parse(rsa.ExportSubjectPublicKeyInfoPem()).Key!;
        var fromJwk = PublicKeys.Parse(jwk.ToJsonString()).Key!;
        jwk["kid"] = "my-key-2026";
        var named = PublicKeys.Parse(jwk.ToJsonString()).Key!;

        Assert.Equal(fromPem.KeyId, fromJwk.KeyId);
        Assert.Equal(Base64UrlEncoder.Encode(new JsonWebKey(fromPem.Json).ComputeJwkThumbprint()), fromPem.KeyId);
        Assert.Equal("my-key-2026", named.KeyId);
    }

    private static Dictionary<string, Case> Build()
    {
        var cases = new Dictionary<string, Case>(StringComparer.Ordinal);
        var rsa = RSA.Create(2048);
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var encryption = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);

        // Private keys, in every wrapping: refused as private, never read.
        var privateRsaJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(true)));
        cases["private JWK: RSA with d, p, q, dp, dq, qi"] = new(JsonSerializer.Serialize(new { kty = "RSA", privateRsaJwk.N, privateRsaJwk.E, privateRsaJwk.D, privateRsaJwk.P, privateRsaJwk.Q, privateRsaJwk.DP, privateRsaJwk.DQ, privateRsaJwk.QI }, Lower), PublicKeys.PrivateKeyMessage);
        foreach (var member in new[] { "d", "p", "q", "dp", "dq", "qi", "oth" })
        {
            var jwk = PublicJwk(rsa);
            jwk[member] = member == "oth" ? new JsonArray() : privateRsaJwk.D;
            cases[$"private JWK: RSA with {member} alone"] = new(jwk.ToJsonString(), PublicKeys.PrivateKeyMessage);
        }

        var privateEcJwk = PublicJwk(ec);
        privateEcJwk["d"] = Base64UrlEncoder.Encode(ec.ExportParameters(true).D);
        cases["private JWK: EC with d"] = new(privateEcJwk.ToJsonString(), PublicKeys.PrivateKeyMessage);
        cases["private JWK: symmetric (oct) with k"] = new("""{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}""", PublicKeys.PrivateKeyMessage);
        cases["private PEM: PKCS#1 RSA PRIVATE KEY"] = new(rsa.ExportRSAPrivateKeyPem(), PublicKeys.PrivateKeyMessage);
        cases["private PEM: PKCS#8 PRIVATE KEY (RSA)"] = new(rsa.ExportPkcs8PrivateKeyPem(), PublicKeys.PrivateKeyMessage);
        cases["private PEM: PKCS#8 PRIVATE KEY (EC)"] = new(ec.ExportPkcs8PrivateKeyPem(), PublicKeys.PrivateKeyMessage);
        cases["private PEM: EC PRIVATE KEY"] = new(ec.ExportECPrivateKeyPem(), PublicKeys.PrivateKeyMessage);
        cases["private PEM: ENCRYPTED PRIVATE KEY (RSA)"] = new(rsa.ExportEncryptedPkcs8PrivateKeyPem("password", encryption), PublicKeys.PrivateKeyMessage);
        cases["private PEM: ENCRYPTED PRIVATE KEY (EC)"] = new(ec.ExportEncryptedPkcs8PrivateKeyPem("password", encryption), PublicKeys.PrivateKeyMessage);
        cases["private PEM: after the public key"] = new(rsa.ExportSubjectPublicKeyInfoPem() + "\n" + rsa.ExportRSAPrivateKeyPem(), PublicKeys.PrivateKeyMessage);
        cases["private PEM: certificate with its key"] = new(Certificate(rsa).ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem(), PublicKeys.PrivateKeyMessage);
        cases["private PEM: OpenSSH"] = new("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----", PublicKeys.PrivateKeyMessage);

        // RSA sizes: refused under 2048 bits, accepted from 2048, in every public form.
        foreach (var bits in new[] { 2048, 3072, 4096 })
        {
            var key = bits == 2048 ? rsa : RSA.Create(bits);
            AddForms(cases, $"RSA {bits}", key, null, SecurityAlgorithms.RsaSha256);
        }

        var rsa1024 = RSA.Create(1024);
        AddForms(cases, "RSA 1024", rsa1024, PublicKeys.ShortKeyMessage, null);
        var modulus2047 = RandomModulus(2047);
        cases["RSA 2047: JWK"] = new(JsonSerializer.Serialize(new { kty = "RSA", n = Base64UrlEncoder.Encode(modulus2047), e = "AQAB" }), PublicKeys.ShortKeyMessage);
        using (var rsa2047 = RSA.Create())
        {
            rsa2047.ImportParameters(new RSAParameters { Modulus = modulus2047, Exponent = [1, 0, 1] });
            cases["RSA 2047: PEM"] = new(rsa2047.ExportSubjectPublicKeyInfoPem(), PublicKeys.ShortKeyMessage);
            cases["RSA 2047: PKCS#1 RSA PUBLIC KEY"] = new(rsa2047.ExportRSAPublicKeyPem(), PublicKeys.ShortKeyMessage);
        }

        cases["RSA 2048: PKCS#1 RSA PUBLIC KEY"] = new(rsa.ExportRSAPublicKeyPem(), null, rsa, SecurityAlgorithms.RsaSha256);
        cases["RSA 2048: JWK naming RS256"] = new(With(PublicJwk(rsa), "alg", "RS256"), null, rsa, SecurityAlgorithms.RsaSha256);
        cases["RSA 2048: JWK naming PS384"] = new(With(PublicJwk(rsa), "alg", "PS384"), null, rsa, SecurityAlgorithms.RsaSsaPssSha384);
        cases["RSA 2048: JWK naming HS256"] = new(With(PublicJwk(rsa), "alg", "HS256"), PublicKeys.AlgorithmMessage);
        cases["RSA 2048: JWK naming none"] = new(With(PublicJwk(rsa), "alg", "none"), PublicKeys.AlgorithmMessage);
        cases["RSA 2048: JWK naming ES256"] = new(With(PublicJwk(rsa), "alg", "ES256"), PublicKeys.AlgorithmMessage);
        cases["RSA: exponent 1"] = new(JsonSerializer.Serialize(new { kty = "RSA", n = Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus), e = "AQ" }), PublicKeys.MalformedMessage);
        cases["RSA: even exponent"] = new(JsonSerializer.Serialize(new { kty = "RSA", n = Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus), e = "AQAA" }), PublicKeys.MalformedMessage);

        // Curves: P-256 and P-384 accepted, in every public form; P-521 and secp256k1 refused.
        AddForms(cases, "EC P-256", ec, null, SecurityAlgorithms.EcdsaSha256);
        AddForms(cases, "EC P-384", ECDsa.Create(ECCurve.NamedCurves.nistP384), null, SecurityAlgorithms.EcdsaSha384);
        AddForms(cases, "EC P-521", ECDsa.Create(ECCurve.NamedCurves.nistP521), PublicKeys.UnsupportedMessage, null);
        AddForms(cases, "EC secp256k1", ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1")), PublicKeys.UnsupportedMessage, null, certificate: false);
        cases["EC P-256: JWK naming ES256"] = new(With(PublicJwk(ec), "alg", "ES256"), null, ec, SecurityAlgorithms.EcdsaSha256);
        cases["EC P-256: JWK naming ES384"] = new(With(PublicJwk(ec), "alg", "ES384"), PublicKeys.AlgorithmMessage);
        cases["EC P-256: JWK naming RS256"] = new(With(PublicJwk(ec), "alg", "RS256"), PublicKeys.AlgorithmMessage);

        // Other key types: understood, not supported.
        cases["OKP Ed25519 JWK"] = new("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""", PublicKeys.UnsupportedMessage);
        cases["oct JWK without k"] = new("""{"kty":"oct"}""", PublicKeys.UnsupportedMessage);
        cases["certificate: DSA"] = new(DsaCertificatePem(), PublicKeys.UnsupportedMessage);

        // Broken input: refused as unreadable.
        var publicPem = rsa.ExportSubjectPublicKeyInfoPem();
        var ecJwk = PublicJwk(ec);
        var parameters = ec.ExportParameters(false);
        cases["malformed JSON"] = new("""{"kty":"RSA","n":""", PublicKeys.MalformedMessage);
        cases["malformed JSON: a member without a value"] = new("""{"kty"}""", PublicKeys.MalformedMessage);
        cases["JSON: no kty"] = new("""{"n":"AQAB","e":"AQAB"}""", PublicKeys.MalformedMessage);
        cases["JSON: a key set, not a key"] = new(JsonSerializer.Serialize(new { keys = new[] { JsonNode.Parse(PublicJwk(rsa).ToJsonString()) } }), PublicKeys.MalformedMessage);
        cases["JSON: n is a number"] = new("""{"kty":"RSA","n":12345,"e":"AQAB"}""", PublicKeys.MalformedMessage);
        cases["JSON: RSA without n"] = new("""{"kty":"RSA","e":"AQAB"}""", PublicKeys.MalformedMessage);
        cases["JSON: n not base64url"] = new("""{"kty":"RSA","n":"!!!not*base64!!!","e":"AQAB"}""", PublicKeys.MalformedMessage);
        cases["JSON: EC without y"] = new(JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = ecJwk["x"]!.GetValue<string>() }), PublicKeys.MalformedMessage);
        cases["JSON: EC x too short"] = new(JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(parameters.Q.X![1..]), y = ecJwk["y"]!.GetValue<string>() }), PublicKeys.MalformedMessage);
        cases["JSON: EC point off the curve"] = new(JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = ecJwk["x"]!.GetValue<string>(), y = Base64UrlEncoder.Encode(OffByOne(parameters.Q.Y!)) }), PublicKeys.MalformedMessage);
        cases["JSON: EC point at zero"] = new(JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(new byte[32]), y = Base64UrlEncoder.Encode(new byte[32]) }), PublicKeys.MalformedMessage);
        cases["JSON: kid too long"] = new(With(PublicJwk(rsa), "kid", new string('k', 101)), PublicKeys.KeyIdMessage);
        cases["JSON: kid with a line break"] = new(With(PublicJwk(rsa), "kid", "a\nb"), PublicKeys.KeyIdMessage);
        cases["JSON: null"] = new("null", PublicKeys.MalformedMessage);
        cases["PEM: truncated"] = new(publicPem[..(publicPem.Length / 2)], PublicKeys.MalformedMessage);
        cases["PEM: without its end line"] = new(publicPem.Replace("-----END PUBLIC KEY-----", "", StringComparison.Ordinal), PublicKeys.MalformedMessage);
        cases["PEM: base64 garbage"] = new("-----BEGIN PUBLIC KEY-----\n!!!!not base64!!!!\n-----END PUBLIC KEY-----", PublicKeys.MalformedMessage);
        cases["PEM: valid base64, not a key"] = new("-----BEGIN PUBLIC KEY-----\nAAAAAAAA\n-----END PUBLIC KEY-----", PublicKeys.MalformedMessage);
        cases["PEM: EC point off the curve"] = new(OffCurvePem(ec), PublicKeys.MalformedMessage);
        cases["PEM: certificate garbage"] = new("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----", PublicKeys.MalformedMessage);
        cases["PEM: certificate truncated"] = new(Certificate(rsa).ExportCertificatePem()[..300], PublicKeys.MalformedMessage);
        cases["PEM: unknown label"] = new("-----BEGIN SOMETHING-----\nAAAA\n-----END SOMETHING-----", PublicKeys.MalformedMessage);
        cases["OpenSSH public key line"] = new("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== someone@host", PublicKeys.MalformedMessage);
        cases["garbage"] = new("this is not a key", PublicKeys.MalformedMessage);
        cases["binary garbage"] = new("\u0000\u0001\u0002{\u0003", PublicKeys.MalformedMessage);
        cases["huge input"] = new(publicPem + new string(' ', 10) + new string('A', 40_000), PublicKeys.MalformedMessage);
        return cases;
    }

    /// <summary>The key as a PEM public key, a JWK, and (unless <paramref name="certificate"/> is false) a self-signed certificate.</summary>
    private static void AddForms(Dictionary<string, Case> cases, string name, AsymmetricAlgorithm key, string? error, string? algorithm, bool certificate = true)
    {
        var signer = error is null ? key : null;
        cases[$"{name}: PEM"] = new(key switch { RSA rsa => rsa.ExportSubjectPublicKeyInfoPem(), ECDsa ec => ec.ExportSubjectPublicKeyInfoPem(), _ => "" }, error, signer, algorithm);
        cases[$"{name}: JWK"] = new(PublicJwk(key).ToJsonString(), error, signer, algorithm);
        if (certificate)
        {
            cases[$"{name}: certificate PEM"] = new(Certificate(key).ExportCertificatePem(), error, signer, algorithm);
        }
    }

    private static JsonObject PublicJwk(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.ExportParameters(false).Exponent) },
        ECDsa ec => new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = ec.KeySize switch { 256 when ec.ExportParameters(false).Curve.Oid.Value == "1.2.840.10045.3.1.7" => "P-256", 256 => "secp256k1", 384 => "P-384", _ => "P-521" },
            ["x"] = Base64UrlEncoder.Encode(ec.ExportParameters(false).Q.X),
            ["y"] = Base64UrlEncoder.Encode(ec.ExportParameters(false).Q.Y),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    private static string With(JsonObject jwk, string member, string value)
    {
        jwk[member] = value;
        return jwk.ToJsonString();
    }

    private static X509Certificate2 Certificate(AsymmetricAlgorithm key)
    {
        var subject = new X500DistinguishedName("CN=client");
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            _ => throw new ArgumentOutOfRangeException(nameof(key)),
        };
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A certificate for a DSA key, signed by an RSA issuer (.NET cannot self-sign with DSA through CertificateRequest).</summary>
    private static string DsaCertificatePem()
    {
        using var issuerKey = RSA.Create(2048);
        using var issuer = new CertificateRequest("CN=issuer", issuerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var dsa = DSA.Create(2048);
        var publicKey = new PublicKey(dsa);
        var request = new CertificateRequest(new X500DistinguishedName("CN=dsa"), publicKey, HashAlgorithmName.SHA256);
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        return certificate.ExportCertificatePem();
    }

    /// <summary>An odd number of exactly <paramref name="bits"/> bits: a public modulus need not be checked for its factors to be parsed.</summary>
    private static byte[] RandomModulus(int bits)
    {
        var value = new BigInteger(RandomNumberGenerator.GetBytes((bits + 7) / 8), isUnsigned: true, isBigEndian: true);
        value = (value % BigInteger.Pow(2, bits - 1)) + BigInteger.Pow(2, bits - 1);
        value |= BigInteger.One;
        return value.ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    private static byte[] OffByOne(byte[] coordinate)
    {
        var changed = (byte[])coordinate.Clone();
        changed[^1] ^= 1;
        return changed;
    }

    /// <summary>A SubjectPublicKeyInfo for P-256 whose point is not on the curve (its y changed).</summary>
    private static string OffCurvePem(ECDsa ec)
    {
        var der = ec.ExportSubjectPublicKeyInfo();
        der[^1] ^= 1; // the last byte of the uncompressed point's y
        return PemEncoding.WriteString("PUBLIC KEY", der);
    }

    private static bool Verifies(Case accepted, JsonWebKey stored)
    {
        var signing = accepted.Signer switch
        {
            RSA rsa => (SecurityKey)new RsaSecurityKey(rsa),
            ECDsa ec => new ECDsaSecurityKey(ec),
            _ => throw new InvalidOperationException("an accepted case needs its private key"),
        };
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor { Issuer = "client", SigningCredentials = new SigningCredentials(signing, accepted.Algorithm) });
        return handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = stored,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        }).GetAwaiter().GetResult().IsValid;
    }

    private static readonly JsonSerializerOptions Lower = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DictionaryKeyPolicy = JsonNamingPolicy.CamelCase };
}
