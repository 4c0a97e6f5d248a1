using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuthClients.Tests.Credentials;

/// <summary>
/// Several secrets per client: rotating keeps the previous secret for its grace period, then only
/// the new one works; revoked and expired secrets are refused at the token, introspection and
/// revocation endpoints exactly like a wrong secret. The clock is the app's <see cref="TimeProvider"/>.
/// </summary>
public sealed class SecretRotationTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly AuthClientsAppFactory _app;
    private readonly HttpClient _http;

    public SecretRotationTests()
    {
        _app = new AuthClientsAppFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _http = _app.CreateClient();
    }

    public void Dispose() => _app.Dispose();

    public static TheoryData<string> GracePeriods => ["01:00:00", "1.00:00:00", "7.00:00:00", "30.00:00:00"];

    [Theory]
    [MemberData(nameof(GracePeriods))]
    public async Task Rotate_KeepsThePreviousSecretForTheGracePeriod_ThenOnlyTheNewOne(string gracePeriod)
    {
        var grace = TimeSpan.Parse(gracePeriod, CultureInfo.InvariantCulture);
        var client = await _app.RegisterClientAsync();
        var rotated = client with { Secret = await RotateAsync(client, new SecretRotation(grace)) };

        await AssertAcceptedAsync(client);
        await AssertAcceptedAsync(rotated);

        _clock.Advance(grace - TimeSpan.FromMinutes(1));
        await AssertAcceptedAsync(client);
        await AssertAcceptedAsync(rotated);

        _clock.Advance(TimeSpan.FromMinutes(2));
        await AssertRefusedEverywhereAsync(client, caller: rotated);
        await AssertAcceptedAsync(rotated);
    }

    [Fact]
    public async Task Rotate_EndNow_StopsThePreviousSecretAtOnce()
    {
        var client = await _app.RegisterClientAsync();
        var rotated = client with { Secret = await RotateAsync(client, SecretRotation.EndNow) };

        await AssertRefusedEverywhereAsync(client, caller: rotated);
        await AssertAcceptedAsync(rotated);
    }

    [Fact]
    public async Task Rotate_EndNow_AlsoEndsASecretStillInItsGracePeriod()
    {
        var client = await _app.RegisterClientAsync();
        var second = client with { Secret = await RotateAsync(client, new SecretRotation(TimeSpan.FromDays(7))) };
        await AssertAcceptedAsync(client);

        var third = client with { Secret = await RotateAsync(second, SecretRotation.EndNow) };

        await AssertRefusedEverywhereAsync(client, caller: third);
        await AssertRefusedEverywhereAsync(second, caller: third);
        await AssertAcceptedAsync(third);
        Assert.Equal(1, (await ListAsync(client)).Count(c => c.IsActive));
    }

    [Fact]
    public async Task ConcurrentRotations_NeverLeaveMoreThanFiveActiveCredentials()
    {
        var client = await _app.RegisterClientAsync();
        await RotateAsync(client, new SecretRotation(TimeSpan.FromDays(30)));
        await RotateAsync(client, new SecretRotation(TimeSpan.FromDays(30)));

        // Twelve rotations at once, each counting 3 active before it writes: without a guard all would be saved.
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => _app.WithServicesAsync(services =>
            services.GetRequiredService<AuthClientCredentials>().RotateSecretAsync(client.Id, new SecretRotation(TimeSpan.FromDays(30)))))));

        Assert.All(results, r => Assert.Contains(r.Result.Status, new[] { ChangeStatus.Saved, ChangeStatus.Conflict, ChangeStatus.Invalid }));
        Assert.Contains(results, r => r.Result.Status == ChangeStatus.Saved);
        Assert.InRange((await ListAsync(client)).Count(c => c.IsActive), 4, CredentialOptions.MaxActive);
        Assert.All(results.Where(r => r.Result.Status != ChangeStatus.Saved), r => Assert.Null(r.Secret));
    }

    [Fact]
    public async Task Rotate_WithALabelOverAHundredCharacters_IsRefusedNextToTheField()
    {
        var client = await _app.RegisterClientAsync();

        var refused = await _app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>()
            .RotateSecretAsync(client.Id, new SecretRotation(TimeSpan.Zero, Label: new string('x', 99) + "😀")));

        Assert.Equal(AuthClientCredentials.LabelField, Assert.Single(refused.Result.Errors!).Key);
        Assert.Single(await ListAsync(client));
    }

    [Fact]
    public async Task RevokeNow_StopsTheCredentialDuringItsGracePeriod()
    {
        var client = await _app.RegisterClientAsync();
        var rotated = client with { Secret = await RotateAsync(client, new SecretRotation(TimeSpan.FromDays(7))) };
        await AssertAcceptedAsync(client);

        var previous = (await ListAsync(client)).Single(c => c.State == CredentialState.ExpiringSoon);
        var revoke = await _app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>().RevokeAsync(client.Id, previous.Id));

        Assert.Equal(ChangeStatus.Saved, revoke.Status);
        await AssertRefusedEverywhereAsync(client, caller: rotated);
        await AssertAcceptedAsync(rotated);
        Assert.Equal(CredentialState.Revoked, (await ListAsync(client)).Single(c => c.Id == previous.Id).State);
    }

    [Fact]
    public async Task SecretWithAnExpiry_WorksUntilThen_ThenIsRefusedEverywhere()
    {
        var expires = _clock.GetUtcNow().UtcDateTime.AddDays(3);
        var created = await _app.CreateClientAsync(new AuthClientSettings
        {
            Name = $"expiring-{Guid.NewGuid():N}",
            Grants = new(ClientCredentials: true),
            SecretExpiresAt = expires,
        });
        var client = new RegisteredClient(created.Id, created.ClientId, created.Secret!);
        var witness = await _app.RegisterClientAsync();

        await AssertAcceptedAsync(client);
        Assert.Equal(CredentialState.ExpiringSoon, (await ListAsync(client)).Single().State);

        _clock.Advance(TimeSpan.FromDays(3));
        await AssertRefusedEverywhereAsync(client, caller: witness);
        Assert.Equal(CredentialState.Expired, (await ListAsync(client)).Single().State);
    }

    [Fact]
    public async Task RefusedCredential_GetsTheWrongSecretAnswer_AndTheReasonIsLoggedForTheAdministrator()
    {
        var client = await _app.RegisterClientAsync();
        var rotated = client with { Secret = await RotateAsync(client, SecretRotation.EndNow) };

        var revoked = await _http.RequestClientTokenAsync(client);
        var wrong = await _http.RequestClientTokenAsync(client with { Secret = "not-" + client.Secret });

        Assert.Equal(wrong.HttpStatusCode, revoked.HttpStatusCode);
        Assert.Equal(await wrong.HttpResponse!.Content.ReadAsStringAsync(), await revoked.HttpResponse!.Content.ReadAsStringAsync());
        // At Warning, which the shipped logging settings keep.
        Assert.Contains(_app.LogEntries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains($"client_id {client.ClientId}: revoked secret ", StringComparison.Ordinal));
        Assert.DoesNotContain(_app.LogLines, line => line.Contains(client.Secret, StringComparison.Ordinal) || line.Contains(rotated.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AClient_HoldsAtMostFiveActiveCredentials_ButEndNowRotationStillWorks()
    {
        var client = await _app.RegisterClientAsync();
        for (var i = 0; i < CredentialOptions.MaxActive - 1; i++)
        {
            await RotateAsync(client, new SecretRotation(TimeSpan.FromDays(30)));
        }

        var refused = await _app.WithServicesAsync(services =>
            services.GetRequiredService<AuthClientCredentials>().RotateSecretAsync(client.Id, new SecretRotation(TimeSpan.FromDays(30))));
        Assert.Equal(ChangeStatus.Invalid, refused.Result.Status);
        Assert.Equal(AuthClientCredentials.TooManyMessage, Assert.Single(refused.Result.Errors!).Value);
        Assert.Null(refused.Secret);
        Assert.Equal(CredentialOptions.MaxActive, (await ListAsync(client)).Count(c => c.IsActive));

        // At the limit, "end now" still works: it ends every active secret and leaves only the new one.
        var newest = client with { Secret = await RotateAsync(client, SecretRotation.EndNow) };
        await AssertAcceptedAsync(newest);
        Assert.Equal(1, (await ListAsync(client)).Count(c => c.IsActive));
    }

    [Theory]
    [InlineData("00:59:59")]
    [InlineData("2.00:00:00")]
    public async Task Rotate_WithAGracePeriodNotOffered_IsRefusedAndChangesNothing(string gracePeriod)
    {
        var client = await _app.RegisterClientAsync();

        var refused = await _app.WithServicesAsync(services =>
            services.GetRequiredService<AuthClientCredentials>().RotateSecretAsync(client.Id, new SecretRotation(TimeSpan.Parse(gracePeriod, CultureInfo.InvariantCulture))));

        Assert.Equal(ChangeStatus.Invalid, refused.Result.Status);
        Assert.Single(await ListAsync(client));
        await AssertAcceptedAsync(client);
    }

    [Fact]
    public async Task Rotate_WithAnExpiryInThePast_IsRefusedNextToTheField()
    {
        var client = await _app.RegisterClientAsync();

        var refused = await _app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>()
            .RotateSecretAsync(client.Id, new SecretRotation(TimeSpan.Zero, ExpiresAt: _clock.GetUtcNow().UtcDateTime.AddMinutes(-1))));

        Assert.Equal(new KeyValuePair<string, string>(AuthClientCredentials.ExpiresAtField, AuthClientCredentials.PastExpiryMessage), Assert.Single(refused.Result.Errors!));
        await AssertAcceptedAsync(client);
    }

    private Task<string> RotateAsync(RegisteredClient client, SecretRotation rotation) =>
        _app.WithServicesAsync(async services =>
        {
            var change = await services.GetRequiredService<AuthClientCredentials>().RotateSecretAsync(client.Id, rotation);
            Assert.Equal(ChangeStatus.Saved, change.Result.Status);
            return change.Secret!;
        });

    private Task<IReadOnlyList<CredentialView>> ListAsync(RegisteredClient client) =>
        _app.WithServicesAsync(async services => (await services.GetRequiredService<AuthClientCredentials>().ListAsync(client.Id))!);

    private async Task AssertAcceptedAsync(RegisteredClient client)
    {
        var response = await _http.RequestClientTokenAsync(client);
        Assert.False(response.IsError, $"{response.Error}: {response.ErrorDescription}");
    }

    /// <summary>The token, introspection and revocation endpoints all answer invalid_client to this secret.</summary>
    private async Task AssertRefusedEverywhereAsync(RegisteredClient client, RegisteredClient caller)
    {
        var token = await _http.RequestClientTokenAsync(client);
        Assert.Equal(("invalid_client", HttpStatusCode.Unauthorized), (token.ErrorCode(), token.HttpStatusCode));

        var accessToken = (await _http.RequestClientTokenAsync(caller)).AccessToken!;
        var introspection = await _http.IntrospectAsync(client, accessToken);
        Assert.Equal("invalid_client", introspection.ErrorCode());

        var revocation = await _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Token = accessToken,
        });
        Assert.Equal("invalid_client", revocation.ErrorCode());
    }
}

/// <summary><c>AuthClients:Credentials:DefaultSecretLifetime</c> and <c>MaxSecretLifetime</c> decide a new secret's expiry.</summary>
public sealed class SecretLifetimeSettingsTests
{
    [Fact]
    public async Task MaxSecretLifetime_GivesASecretWithoutExpiryTheMaximum_AndRefusesALaterOne()
    {
        using var app = new AuthClientsAppFactory { Settings = { ["AuthClients:Credentials:MaxSecretLifetime"] = "30.00:00:00" } };
        var before = DateTime.UtcNow;

        var created = await app.CreateClientAsync(new AuthClientSettings { Name = $"max-{Guid.NewGuid():N}", Grants = new(ClientCredentials: true) });
        var expires = (await ListAsync(app, created.Id)).Single().ExpiresAt!.Value;
        Assert.InRange(expires, before.AddDays(30), DateTime.UtcNow.AddDays(30));

        var refused = await app.WithServicesAsync(services => services.GetRequiredService<AuthClientCommands>().CreateAsync(
            new AuthClientSettings { Name = $"too-long-{Guid.NewGuid():N}", Grants = new(ClientCredentials: true), SecretExpiresAt = DateTime.UtcNow.AddDays(31) },
            actorId: null, Web.Connect.OAuthScopes.Api.ToHashSet()));
        Assert.Equal(ChangeStatus.Invalid, refused.Result.Status);
        Assert.Equal(nameof(AuthClientSettings.SecretExpiresAt), Assert.Single(refused.Result.Errors!).Key);
        Assert.Contains("at most 30 days", refused.Result.Errors![0].Value, StringComparison.Ordinal);
        Assert.Null(refused.Secret);
    }

    [Fact]
    public async Task DefaultSecretLifetime_AppliesToCreationAndRotation_UnlessAnExpiryIsChosen()
    {
        using var app = new AuthClientsAppFactory { Settings = { ["AuthClients:Credentials:DefaultSecretLifetime"] = "90.00:00:00" } };
        var before = DateTime.UtcNow;

        var created = await app.CreateClientAsync(new AuthClientSettings { Name = $"default-{Guid.NewGuid():N}", Grants = new(ClientCredentials: true) });
        Assert.InRange((await ListAsync(app, created.Id)).Single().ExpiresAt!.Value, before.AddDays(90), DateTime.UtcNow.AddDays(90));

        var chosen = DateTime.UtcNow.Date.AddDays(200).AddHours(9); // whole seconds: PostgreSQL keeps microseconds
        await app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>().RotateSecretAsync(created.Id, new SecretRotation(TimeSpan.Zero, "chosen", chosen)));
        var newest = (await ListAsync(app, created.Id))[0];
        Assert.Equal(("chosen", chosen), (newest.Label, newest.ExpiresAt!.Value));
    }

    private static Task<IReadOnlyList<CredentialView>> ListAsync(AuthClientsAppFactory app, string id) =>
        app.WithServicesAsync(async services => (await services.GetRequiredService<AuthClientCredentials>().ListAsync(id))!);
}
