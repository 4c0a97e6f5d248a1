using System.Security.Cryptography;
using System.Text.Json;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthClients.Tests.Infrastructure;

/// <summary>
/// A key pair a <c>private_key_jwt</c> client holds: made here, its public half handed to the app as
/// an administrator pastes it (PEM or JWK), its private half signing assertions with Microsoft's
/// <see cref="JsonWebTokenHandler"/>.
/// </summary>
public sealed class ClientKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private ClientKey(AsymmetricAlgorithm key, AsymmetricSecurityKey signingKey, string algorithm)
    {
        _key = key;
        SigningKey = signingKey;
        Algorithm = algorithm;
    }

    public static ClientKey Rsa(int bits = 2048)
    {
        var rsa = RSA.Create(bits);
        return new ClientKey(rsa, new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
    }

    public static ClientKey EcP256()
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new ClientKey(ec, new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256);
    }

    public static ClientKey Of(string kind) => kind switch
    {
        "RSA" => Rsa(),
        "EC" => EcP256(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public AsymmetricSecurityKey SigningKey { get; }

    public string Algorithm { get; }

    /// <summary>SubjectPublicKeyInfo PEM: <c>-----BEGIN PUBLIC KEY-----</c>.</summary>
    public string PublicPem => _key switch
    {
        RSA rsa => rsa.ExportSubjectPublicKeyInfoPem(),
        ECDsa ec => ec.ExportSubjectPublicKeyInfoPem(),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The public JWK (no <c>kid</c>: the app names it by its thumbprint).</summary>
    public string PublicJwk
    {
        get
        {
            var jwk = _key switch
            {
                RSA rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))),
                ECDsa ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false)))),
                _ => throw new InvalidOperationException(),
            };
            return JsonSerializer.Serialize(new Dictionary<string, string?>
            {
                ["kty"] = jwk.Kty, ["n"] = jwk.N, ["e"] = jwk.E, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y,
            }.Where(p => p.Value is not null).ToDictionary());
        }
    }

    /// <summary>
    /// An assertion as OpenIddict 7 asks for it: iss = sub = the client, aud = the issuer (not the
    /// token endpoint), <c>typ: client-authentication+jwt</c>, a fresh jti, one minute of life.
    /// </summary>
    public string Assertion(string clientId, string audience = Issuer, Action<Dictionary<string, object>>? change = null, SigningCredentials? signing = null, string type = ExplicitType)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Iss] = clientId,
            [JwtRegisteredClaimNames.Sub] = clientId,
            [JwtRegisteredClaimNames.Aud] = audience,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = now.AddMinutes(1).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        return Sign(claims, signing ?? new SigningCredentials(SigningKey, Algorithm), type);
    }

    /// <summary>Exactly these claims, signed as given (or unsigned: <c>alg: none</c>).</summary>
    public static string Sign(Dictionary<string, object> claims, SigningCredentials? signing, string type = ExplicitType) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = signing,
            TokenType = type,
        });

    /// <summary>The test app's issuer (discovery's <c>issuer</c>).</summary>
    public const string Issuer = "http://localhost/";

    public const string TokenEndpointUrl = "http://localhost/connect/token";

    public const string ExplicitType = "client-authentication+jwt";

    public void Dispose() => _key.Dispose();
}

public static class ClientAssertions
{
    /// <summary>Adds <paramref name="publicKey"/> (PEM or JWK) to the client, as the Credentials section does.</summary>
    public static async Task<string> AddPublicKeyAsync(this AuthClientsAppFactory app, RegisteredClient client, string publicKey, DateTime? expiresAt = null)
    {
        var result = await app.WithServicesAsync(services =>
            services.GetRequiredService<AuthClientCredentials>().AddPublicKeyAsync(client.Id, new PublicKeyCredential(publicKey, "test key", expiresAt)));
        Assert.True(result.Status == ChangeStatus.Saved, string.Join("; ", result.Errors?.Select(e => e.Value) ?? []));
        return result.Id!;
    }

    /// <summary>A confidential client holding public keys only: its first secret revoked, <paramref name="key"/> added.</summary>
    public static async Task<(RegisteredClient Client, string CredentialId)> RegisterKeyOnlyClientAsync(this AuthClientsAppFactory app, ClientKey key, bool asJwk = false, string[]? scopes = null)
    {
        var client = await app.RegisterClientAsync(scopes: scopes);
        await app.WithServicesAsync(async services =>
        {
            var credentials = services.GetRequiredService<AuthClientCredentials>();
            foreach (var secret in (await credentials.ListAsync(client.Id))!)
            {
                await credentials.RevokeAsync(client.Id, secret.Id);
            }
        });
        return (client, await app.AddPublicKeyAsync(client, asJwk ? key.PublicJwk : key.PublicPem));
    }

    public static ClientAssertion JwtBearer(string assertion) => new() { Type = OidcConstants.ClientAssertionTypes.JwtBearer, Value = assertion };

    /// <summary><paramref name="request"/> authenticated by <paramref name="assertion"/> alone (no secret), in the body as RFC 7523 asks.</summary>
    public static T WithAssertion<T>(this T request, string clientId, string assertion) where T : ProtocolRequest
    {
        request.ClientId = clientId;
        request.ClientAssertion = JwtBearer(assertion);
        request.ClientCredentialStyle = ClientCredentialStyle.PostBody;
        return request;
    }

    /// <summary>A client-credentials token request authenticated by <paramref name="assertion"/> alone (no secret).</summary>
    public static Task<TokenResponse> RequestTokenWithAssertionAsync(this HttpClient http, string clientId, string assertion, string? scope = null) =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", Scope = scope }.WithAssertion(clientId, assertion));
}
