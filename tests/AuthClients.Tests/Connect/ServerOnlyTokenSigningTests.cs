using System.Net;
using System.Security.Cryptography;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace AuthClients.Tests.Connect;

/// <summary>
/// Authorization codes and refresh tokens, which no one but the server reads, are signed inside their
/// encryption with the server's own HMAC key (ServerKeyStore.ServerOnlySigningUse), which the JWKS
/// never publishes; ID and access tokens keep their public-key signatures. Codes and refresh tokens
/// signed before (ES256 inside) are still redeemed, and one signed with any other key is not.
/// </summary>
public sealed class ServerOnlyTokenSigningTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task CodesAndRefreshTokens_AreSignedWithTheServersOwnKey_WhichTheJwksDoesNotPublish()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword);
        var tokens = await driver.RedeemAsync(_http, code);
        Assert.False(tokens.IsError, tokens.Raw);
        var renewed = await _http.RequestRefreshAsync(client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);

        var (ownKeyId, codePayload) = await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            return (await db.ServerKeys.Where(k => k.Use == ServerKeyStore.ServerOnlySigningUse).Select(k => k.Id).SingleAsync(),
                // A code is a reference to its token, kept in its row.
                await db.Set<AuthClientToken>().Where(t => t.Application!.Id == client.Id && t.Type == OpenIddictConstants.TokenTypeIdentifiers.Private.AuthorizationCode)
                    .Select(t => t.Payload).SingleAsync());
        });
        foreach (var serverOnly in new[] { codePayload!, tokens.RefreshToken!, renewed.RefreshToken! })
        {
            var inner = Decrypted(serverOnly);
            Assert.Equal((SecurityAlgorithms.HmacSha256, ownKeyId), (inner.Alg, inner.Kid));
        }

        Assert.Equal("RS256", new JsonWebToken(renewed.IdentityToken).Alg);
        Assert.Equal("ES256", new JsonWebToken(renewed.AccessToken).Alg);
        var jwks = await _http.GetJsonWebKeySetAsync("/.well-known/jwks");
        Assert.False(jwks.IsError, jwks.Error);
        Assert.NotEmpty(jwks.KeySet!.Keys);
        Assert.All(jwks.KeySet.Keys, key =>
        {
            Assert.NotEqual("oct", key.Kty);
            Assert.NotEqual(ownKeyId, key.Kid);
        });
    }

    [Theory]
    [InlineData("RS256", null)]
    [InlineData("ES256", "with the operator's certificate")]
    public async Task WhenOnlyRsaIsPublished_AccessTokensStayRsa_AndCodesAndRefreshTokensStayTheServers(string accessTokenAlgorithm, string? certificate)
    {
        // OpenIddict's own choice would be the symmetric key for every token but ID tokens: with no
        // ES256 key in force (RS256 configured, or an operator's certificate), only the issuer's
        // choice keeps the access token on a published key.
        using var operatorCertificate = new OperatorCertificate();
        var settings = new Dictionary<string, string?> { ["OAuthServer:Performance:AccessTokenAlgorithm"] = accessTokenAlgorithm };
        if (certificate is not null)
        {
            settings["OAuthServer:SigningCertificatePath"] = operatorCertificate.Path;
            settings["OAuthServer:SigningCertificatePassword"] = operatorCertificate.Password;
        }

        await using var rsaOnly = new AuthClientsAppFactory { Settings = settings };

        var http = rsaOnly.CreateClient();
        var (client, tokens) = await AuthorizationCodeDriver.SignInThroughCodeAsync(rsaOnly, http);
        var renewed = await http.RequestRefreshAsync(client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);
        var clientToken = await http.RequestClientTokenAsync(await rsaOnly.RegisterClientAsync());
        Assert.False(clientToken.IsError, clientToken.Raw);

        var published = (await http.GetJsonWebKeySetAsync("/.well-known/jwks")).KeySet!.Keys.Select(k => k.Kid).ToList();
        foreach (var publicToken in new[] { renewed.AccessToken!, renewed.IdentityToken!, clientToken.AccessToken! })
        {
            var header = new JsonWebToken(publicToken);
            Assert.Equal("RS256", header.Alg);
            Assert.Contains(header.Kid, published);
        }

        var inner = Decrypted(rsaOnly, renewed.RefreshToken!);
        Assert.Equal(SecurityAlgorithms.HmacSha256, inner.Alg);
        Assert.DoesNotContain(inner.Kid, published);
        Assert.Equal(HttpStatusCode.OK, (await http.GetMeAsync(renewed.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task RefreshToken_SignedWithEs256AsBeforeTheChange_IsStillRedeemed()
    {
        var (client, tokens) = await AuthorizationCodeDriver.SignInThroughCodeAsync(app, _http);
        var ecdsa = app.Services.GetRequiredService<ServerKeyStore>().EcdsaKeyInForce(ServerOptions.SigningCredentials);
        Assert.NotNull(ecdsa);

        var renewed = await _http.RequestRefreshAsync(client, Resigned(tokens.RefreshToken!, ecdsa));

        Assert.False(renewed.IsError, renewed.Raw);
    }

    [Fact]
    public async Task RefreshToken_SignedWithAKeyNotTheServers_IsRefused_AndTheGenuineOneStillWorks()
    {
        var (client, tokens) = await AuthorizationCodeDriver.SignInThroughCodeAsync(app, _http);
        var foreign = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "not-the-servers" }, SecurityAlgorithms.HmacSha256);
        var ownKeyUnderAnotherSecret = new SigningCredentials(
            new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = Decrypted(tokens.RefreshToken!).Kid }, SecurityAlgorithms.HmacSha256);

        foreach (var forged in new[] { foreign, ownKeyUnderAnotherSecret })
        {
            var refused = await _http.RequestRefreshAsync(client, Resigned(tokens.RefreshToken!, forged));
            Assert.Equal("invalid_grant", refused.ErrorCode());
        }

        var renewed = await _http.RequestRefreshAsync(client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);
    }

    private OpenIddictServerOptions ServerOptions => OptionsOf(app);

    private static OpenIddictServerOptions OptionsOf(AuthClientsAppFactory factory) => factory.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;

    /// <summary>The signed token inside a code's or refresh token's encryption, decrypted with the server's key.</summary>
    private JsonWebToken Decrypted(string token) => Decrypted(app, token);

    private static JsonWebToken Decrypted(AuthClientsAppFactory factory, string token)
    {
        var encrypted = new JsonWebToken(token);
        Assert.True(encrypted.IsEncrypted);
        var handler = new JsonWebTokenHandler();
        return new JsonWebToken(handler.DecryptToken(encrypted, new TokenValidationParameters
        {
            TokenDecryptionKeys = OptionsOf(factory).EncryptionCredentials.Select(c => c.Key).ToList(),
        }));
    }

    /// <summary>The same claims and headers, signed with <paramref name="signing"/> and encrypted again with the server's key.</summary>
    private string Resigned(string token, SigningCredentials signing)
    {
        var encrypted = new JsonWebToken(token);
        var inner = Decrypted(token);
        var handler = new JsonWebTokenHandler();
        var signed = handler.CreateToken(Base64UrlEncoder.Decode(inner.EncodedPayload), signing,
            new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = inner.Typ });
        return handler.EncryptToken(signed, ServerOptions.EncryptionCredentials[0],
            new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = encrypted.Typ });
    }
}
