using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthClients.Tests.Security;

/// <summary>
/// Every failed sign-in costs the same: exactly one password hash check (the slow part), so the
/// response time does not tell an unknown email from a wrong password, an inactive account or a
/// locked one. Counting hash checks is the deterministic stand-in for timing them.
/// </summary>
public sealed class SignInTimingTests : IDisposable
{
    private readonly PasswordCheckCounter _checks = new();
    private readonly AuthClientsAppFactory _app;

    public SignInTimingTests()
    {
        var checks = _checks;
        _app = new AuthClientsAppFactory
        {
            TestServices = services =>
            {
                services.AddSingleton(checks);
                services.AddScoped<IPasswordHasher<AppUser>, CountingPasswordHasher>();
            },
        };
    }

    public enum Failure { WrongPassword, UnknownEmail, DeactivatedUser, LockedOutUser }

    [Theory]
    [InlineData(Failure.WrongPassword)]
    [InlineData(Failure.UnknownEmail)]
    [InlineData(Failure.DeactivatedUser)]
    [InlineData(Failure.LockedOutUser)]
    public async Task FailedSignIn_CostsExactlyOnePasswordCheck(Failure failure)
    {
        var email = failure == Failure.UnknownEmail ? $"nobody-{Guid.NewGuid():N}@example.test" : await _app.CreateUserAsync(active: failure != Failure.DeactivatedUser);
        if (failure == Failure.LockedOutUser)
        {
            await LockOutAsync(email);
        }

        var password = failure == Failure.WrongPassword ? "not-the-password-at-all" : AuthClientsAppFactory.UserPassword;
        var browser = _app.CreateBrowser();
        await browser.GetAsync(AuthClientPages.List);
        _checks.Reset();

        var response = await browser.SignInAsync(email, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _checks.Count);
    }

    [Fact]
    public async Task SuccessfulSignIn_CostsOnePasswordCheck()
    {
        // The reference the failures are measured against.
        var email = await _app.CreateUserAsync();
        var browser = _app.CreateBrowser();
        await browser.GetAsync(AuthClientPages.List);
        _checks.Reset();

        await browser.SignInAsAsync(email);

        Assert.Equal(1, _checks.Count);
    }

    public void Dispose() => _app.Dispose();

    private async Task LockOutAsync(string email)
    {
        var locked = await _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Users
            .Where(u => u.Email == email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockoutEnd, DateTimeOffset.UtcNow.AddHours(1))));
        Assert.Equal(1, locked);
    }

    public sealed class PasswordCheckCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Increment() => Interlocked.Increment(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);
    }

    private sealed class CountingPasswordHasher(PasswordCheckCounter counter, IOptions<PasswordHasherOptions> options) : PasswordHasher<AppUser>(options)
    {
        public override PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            counter.Increment();
            return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
