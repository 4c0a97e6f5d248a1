using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Security;

/// <summary>
/// Every place that takes a password (the sign-in page, the profile's password change, the OAuth
/// password grant) treats an account the same: locked out or inactive, even the right password is
/// refused; a wrong password anywhere counts towards the lockout everywhere.
/// </summary>
public sealed class LockoutTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string WrongPassword = "not-the-password-at-all";
    private const string NewPassword = "a-new-password-for-tests";

    public enum Surface { SignInPage, ChangePassword, PasswordGrant }

    public enum AccountState { LockedOut, Inactive }

    [Theory]
    [InlineData(Surface.SignInPage, AccountState.LockedOut)]
    [InlineData(Surface.ChangePassword, AccountState.LockedOut)]
    [InlineData(Surface.PasswordGrant, AccountState.LockedOut)]
    [InlineData(Surface.SignInPage, AccountState.Inactive)]
    [InlineData(Surface.ChangePassword, AccountState.Inactive)]
    [InlineData(Surface.PasswordGrant, AccountState.Inactive)]
    public async Task RightPassword_ForALockedOutOrInactiveAccount_IsRefused(Surface surface, AccountState state)
    {
        var email = await app.CreateUserAsync();
        var session = await app.SignedInAsync(email); // a session from before the lock
        await SetStateAsync(email, state);

        Assert.False(await TryPasswordAsync(surface, email, AuthClientsAppFactory.UserPassword, session));

        // Unlocked again, the password is still the old one: nothing was changed while locked.
        await SetStateAsync(email, state: null);
        Assert.True(await TryPasswordAsync(Surface.SignInPage, email, AuthClientsAppFactory.UserPassword, session: null));
    }

    [Theory]
    [InlineData(Surface.SignInPage)]
    [InlineData(Surface.ChangePassword)]
    public async Task WrongPasswords_TypedByThePerson_LockTheAccount_Everywhere(Surface surface)
    {
        var email = await app.CreateUserAsync();
        var session = await app.SignedInAsync(email);

        for (var attempt = 0; attempt < IdentityHosting.MaxFailedSignIns; attempt++)
        {
            Assert.False(await TryPasswordAsync(surface, email, WrongPassword, session));
        }

        foreach (var other in Enum.GetValues<Surface>())
        {
            Assert.False(await TryPasswordAsync(other, email, AuthClientsAppFactory.UserPassword, session), $"{other} accepted the right password of a locked-out account.");
        }
    }

    /// <summary>
    /// An attacker guessing in parallel: wrong passwords that arrive at once each count (a write refused
    /// because another attempt changed the row meanwhile is counted again on the row as it now is), so
    /// as many attempts at once as the lockout allows lock the account, and none answers an error page.
    /// </summary>
    [Theory]
    [InlineData(Surface.SignInPage)]
    [InlineData(Surface.ChangePassword)]
    public async Task WrongPasswords_SentAtOnce_EachCount_AndLockTheAccount(Surface surface)
    {
        for (var round = 0; round < 3; round++)
        {
            var email = await app.CreateUserAsync();
            var session = await app.SignedInAsync(email);

            var accepted = await Task.WhenAll(Enumerable.Range(0, IdentityHosting.MaxFailedSignIns)
                .Select(_ => TryPasswordAsync(surface, email, WrongPassword, session)));

            Assert.DoesNotContain(true, accepted);
            Assert.False(await TryPasswordAsync(Surface.SignInPage, email, AuthClientsAppFactory.UserPassword, session: null),
                $"Round {round}: {IdentityHosting.MaxFailedSignIns} wrong passwords sent at once did not lock the account.");
        }
    }

    /// <summary>
    /// Anyone can call the token endpoint with someone's email: its wrong passwords are throttled
    /// per address (ThrottlingTests), never counted toward the account's lockout (checklist 40).
    /// </summary>
    [Fact]
    public async Task WrongPasswords_ThroughThePasswordGrant_LockNobodyOut()
    {
        var email = await app.CreateUserAsync();

        for (var attempt = 0; attempt < IdentityHosting.MaxFailedSignIns + 1; attempt++)
        {
            Assert.False(await TryPasswordAsync(Surface.PasswordGrant, email, WrongPassword, session: null));
        }

        Assert.True(await TryPasswordAsync(Surface.SignInPage, email, AuthClientsAppFactory.UserPassword, session: null));
    }

    [Fact]
    public async Task ChangePassword_ForALockedOutAccount_SaysWhatTheSignInPageSays()
    {
        var email = await app.CreateUserAsync();
        var session = await app.SignedInAsync(email);
        await SetStateAsync(email, AccountState.LockedOut);

        var response = await session.PostAsync($"{Profile}/password", ChangeForm(AuthClientsAppFactory.UserPassword));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProfileService.WrongPasswordMessage, FieldError(await response.Content.ReadAsStringAsync(), "Form.CurrentPassword"));
    }

    /// <returns>Whether the surface accepted the password (signed in, changed the password, or issued a token).</returns>
    private async Task<bool> TryPasswordAsync(Surface surface, string email, string password, HttpClient? session)
    {
        switch (surface)
        {
            case Surface.SignInPage:
                var signIn = await app.CreateBrowser().SignInAsync(email, password);
                return signIn.StatusCode == HttpStatusCode.Redirect;
            case Surface.ChangePassword:
                var change = await session!.PostAsync($"{Profile}/password", ChangeForm(password));
                return change.StatusCode == HttpStatusCode.Redirect && change.Headers.Location!.OriginalString.StartsWith(Profile, StringComparison.Ordinal);
            default:
                var client = await PasswordClientAsync();
                var token = await app.CreateClient().RequestPasswordTokenAsync(client, email, password);
                return !token.IsError;
        }
    }

    // The same password, so a change that went through is seen by the check after it too.
    private static KeyValuePair<string, string>[] ChangeForm(string current) =>
        [new("Form.CurrentPassword", current), new("Form.NewPassword", NewPassword), new("Form.ConfirmPassword", NewPassword)];

    private RegisteredClient? _passwordClient;

    private async Task<RegisteredClient> PasswordClientAsync() =>
        _passwordClient ??= await app.RegisterClientAsync(clientCredentials: false, password: true);

    private async Task SetStateAsync(string email, AccountState? state)
    {
        DateTimeOffset? lockoutEnd = state == AccountState.LockedOut ? DateTimeOffset.UtcNow.AddHours(1) : null;
        var active = state != AccountState.Inactive;
        var updated = await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Users
            .Where(u => u.Email == email)
            .ExecuteUpdateAsync(u => u
                .SetProperty(x => x.LockoutEnd, lockoutEnd)
                .SetProperty(x => x.AccessFailedCount, 0)
                .SetProperty(x => x.IsActive, active)));
        Assert.Equal(1, updated);
    }
}
