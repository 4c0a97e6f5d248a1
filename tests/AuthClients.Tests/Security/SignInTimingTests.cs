using System.Diagnostics;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthClients.Tests.Security;

/// <summary>
/// Every failed sign-in, on the sign-in page or through the OAuth password grant, costs the same:
/// exactly one password hash check (the slow part), so the response time does not tell an unknown
/// email from a wrong password, an inactive account or a locked one. Counting hash checks is the
/// deterministic stand-in for timing them; one test also times them, so the class runs alone: two
/// thousand tests in parallel on two cores can load every round of one side.
/// </summary>
[Collection(TimedCollection.Name)]
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

    public enum Surface { SignInPage, PasswordGrant }

    private const string WrongPassword = "not-the-password-at-all";

    [Theory]
    [InlineData(Surface.SignInPage, Failure.WrongPassword)]
    [InlineData(Surface.SignInPage, Failure.UnknownEmail)]
    [InlineData(Surface.SignInPage, Failure.DeactivatedUser)]
    [InlineData(Surface.SignInPage, Failure.LockedOutUser)]
    [InlineData(Surface.PasswordGrant, Failure.WrongPassword)]
    [InlineData(Surface.PasswordGrant, Failure.UnknownEmail)]
    [InlineData(Surface.PasswordGrant, Failure.DeactivatedUser)]
    [InlineData(Surface.PasswordGrant, Failure.LockedOutUser)]
    public async Task FailedSignIn_CostsExactlyOnePasswordCheck(Surface surface, Failure failure)
    {
        var (email, password) = await CredentialsAsync(failure);
        var attempt = await AttemptAsync(surface);
        _checks.Reset();

        var (status, _) = await attempt(email, password);

        Assert.Equal(surface == Surface.SignInPage ? HttpStatusCode.OK : HttpStatusCode.BadRequest, status);
        Assert.Equal(1, _checks.Count);
    }

    [Fact]
    public async Task FailedPasswordGrant_AnswersTheSame_WhateverTheReason()
    {
        var attempt = await AttemptAsync(Surface.PasswordGrant);
        var answers = new List<(HttpStatusCode Status, string Body)>();
        foreach (var failure in Enum.GetValues<Failure>())
        {
            var (email, password) = await CredentialsAsync(failure);
            answers.Add(await attempt(email, password));
        }

        Assert.Equal(HttpStatusCode.BadRequest, answers[0].Status);
        Assert.Contains("invalid_grant", answers[0].Body, StringComparison.Ordinal);
        Assert.All(answers, answer => Assert.Equal(answers[0], answer));
    }

    /// <summary>
    /// The timing itself, end to end: alternating requests for an unknown email against a wrong
    /// password for a real account, each side taken at its fastest. Another process or test can only
    /// add time to a request, never take it away, so the fastest of fifteen is the cost of the request
    /// itself, whatever else the machine is doing (a median moves when a burst of load covers half the
    /// rounds of one side). Each try must reach the password check: a throttled one (429) fails the test. Before the dummy check an unknown email on the password grant answered
    /// about twenty times sooner.
    /// </summary>
    [Theory]
    [InlineData(Surface.SignInPage)]
    [InlineData(Surface.PasswordGrant)]
    public async Task UnknownEmail_TakesAsLongAsAWrongPassword(Surface surface)
    {
        // Two accounts a round, all from one address: 28 failures stay under the token endpoint's
        // throttle (30 from an address, FailuresPerAccount for one account), which answers 429 without
        // checking any password, and fresh accounts are never locked out (a locked account is a third case).
        const int Rounds = 12;
        Assert.True(2 * (Rounds + 2) < ClientAuthenticationThrottle.FailuresPerAddress);
        var attempt = await AttemptAsync(surface);
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();

        for (var round = -2; round < Rounds; round++) // two rounds to warm up
        {
            var (known, _) = await CredentialsAsync(Failure.WrongPassword);
            var (unknown, _) = await CredentialsAsync(Failure.UnknownEmail);
            foreach (var (email, times) in round % 2 == 0 ? [(known, knownTimes), (unknown, unknownTimes)] : new[] { (unknown, unknownTimes), (known, knownTimes) })
            {
                var watch = Stopwatch.StartNew();
                var (status, _) = await attempt(email, WrongPassword);
                watch.Stop();
                Assert.NotEqual(HttpStatusCode.TooManyRequests, status);
                if (round >= 0)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }

        var knownFastest = knownTimes.Min();
        var unknownFastest = unknownTimes.Min();
        var ratio = Math.Max(knownFastest, unknownFastest) / Math.Min(knownFastest, unknownFastest);
        Assert.True(ratio < 2.5, $"Fastest of {Rounds}: wrong password {knownFastest:F1} ms, unknown email {unknownFastest:F1} ms (ratio {ratio:F1}).");
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

    private async Task<(string Email, string Password)> CredentialsAsync(Failure failure)
    {
        var email = failure == Failure.UnknownEmail ? $"nobody-{Guid.NewGuid():N}@example.test" : await _app.CreateUserAsync(active: failure != Failure.DeactivatedUser);
        if (failure == Failure.LockedOutUser)
        {
            await LockOutAsync(email);
        }

        return (email, failure == Failure.WrongPassword ? WrongPassword : AuthClientsAppFactory.UserPassword);
    }

    /// <summary>A way to try one email and password on <paramref name="surface"/>, set up so that each try is one request.</summary>
    private async Task<Func<string, string, Task<(HttpStatusCode Status, string Body)>>> AttemptAsync(Surface surface)
    {
        if (surface == Surface.SignInPage)
        {
            var browser = _app.CreateBrowser();
            var token = await browser.GetAntiforgeryTokenAsync("/account/login");
            return async (email, password) =>
            {
                var response = await browser.PostWithTokenAsync("/account/login", token, [new("Email", email), new("Password", password)]);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            };
        }

        var client = await _app.RegisterClientAsync(clientCredentials: false, password: true);
        var http = _app.CreateClient();
        return async (email, password) =>
        {
            var response = await http.RequestPasswordTokenAsync(client, email, password);
            return (response.HttpStatusCode, response.Raw ?? "");
        };
    }

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

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedCollection
{
    public const string Name = "Timed (runs alone)";
}
