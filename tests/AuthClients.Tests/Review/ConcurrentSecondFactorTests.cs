using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Tests.Shared;
using AuthClients.Web.Data;
using AuthClients.Web.Features.SecondFactor;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.Review;

/// <summary>
/// The single-use codes when two requests for one user arrive at once (found in review: the used
/// step was claimed by a conditional UPDATE that left the row's ConcurrencyStamp alone, so the
/// request that lost wrote its stale copy back through UserManager.AccessFailedAsync and undid the
/// claim, or the winner's save met a changed stamp and failed into an error page). The claim now
/// changes the stamp, and a refused failure count is written again on the current row.
/// </summary>
public sealed class ConcurrentSecondFactorTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const int Rounds = 3;

    /// <summary>
    /// Two browsers send one code at once: one signs in, the other is told the code is not valid,
    /// nobody sees an error page, and the code then signs in nowhere (a third browser, as an
    /// attacker who saw it would try).
    /// </summary>
    [Fact]
    public async Task TheSameCodeFromTwoBrowsersAtOnce_StaysUsed_AndNoErrorPage()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var (email, code, step) = await UserWithAnUnusedCodeAsync();
            var browsers = new[] { await app.AtTheCodeStepAsync(email), await app.AtTheCodeStepAsync(email) };

            var answers = await Task.WhenAll(browsers.Select(b => b.CodeStepAsync(code)));

            NoErrorPage(answers);
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
            var stored = await StoredStepAsync(email);
            Assert.False(await app.SignsInWithCodeAsync(email, code), $"Round {round}: a code used at once in two browsers signed in a third time (stored step {stored?.ToString(CultureInfo.InvariantCulture) ?? "null"}, code's step {step}).");
        }
    }

    /// <summary>
    /// Two browsers send one recovery code at once: it is used once, and the browser that lost is
    /// told the code is not valid, not shown an error page.
    /// </summary>
    [Fact]
    public async Task TheSameRecoveryCodeFromTwoBrowsersAtOnce_SignsInOne_AndNoErrorPage()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var email = await app.CreateUserAsync();
            var (_, codes) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
            var browsers = new[] { await app.AtTheCodeStepAsync(email), await app.AtTheCodeStepAsync(email) };

            var answers = await Task.WhenAll(browsers.Select(b => b.RecoveryStepAsync(codes[0])));

            NoErrorPage(answers);
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
            var refused = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.Equal(SecondFactorSignIn.WrongCodeMessage, CodeError(await refused.Content.ReadAsStringAsync()));
            Assert.False(await app.SignsInWithRecoveryCodeAsync(email, codes[0]), $"Round {round}: a recovery code signed in twice.");
        }
    }

    /// <summary>
    /// While someone who knows the password tries a wrong recovery code (a slow PBKDF2 check), the
    /// user signs in with their one-time code in another browser: that code stays used.
    /// </summary>
    [Fact]
    public async Task AWrongRecoveryCodeDuringASignIn_DoesNotFreeTheUsedCode()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var (email, code, step) = await UserWithAnUnusedCodeAsync();
            var attacker = await app.AtTheCodeStepAsync(email);
            var user = await app.AtTheCodeStepAsync(email);

            var answers = await Task.WhenAll(attacker.RecoveryStepAsync("WRONG-CODE1"), user.CodeStepAsync(code));

            NoErrorPage(answers);
            var stored = await StoredStepAsync(email);
            Assert.False(await app.SignsInWithCodeAsync(email, code), $"Round {round}: the user's code signed in again after a concurrent wrong recovery code (stored step {stored?.ToString(CultureInfo.InvariantCulture) ?? "null"}, code's step {step}).");
        }
    }

    /// <summary>A user whose app was set up with the previous step's code, and the code of the next step (unused).</summary>
    private async Task<(string Email, string Code, long Step)> UserWithAnUnusedCodeAsync()
    {
        var now = AuthenticatorCodes.CurrentStep;
        var email = await app.CreateUserAsync();
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync(k => AuthenticatorCodes.ForStep(k, now - 1));
        return (email, AuthenticatorCodes.ForStep(key, now + 1), now + 1);
    }

    // Named in a failure's message: the step the row holds after the race says which write won.
    private Task<long?> StoredStepAsync(string email) =>
        app.WithServicesAsync(async services =>
        {
            var id = await app.UserIdAsync(email);
            return await services.GetRequiredService<AppDbContext>().Users.AsNoTracking()
                .Where(u => u.Id == id).Select(u => u.LastAuthenticatorTimeStep).SingleAsync();
        });

    // The logged errors name the cause (DbUpdateConcurrencyException from a save with a stale ConcurrencyStamp).
    private void NoErrorPage(HttpResponseMessage[] answers) =>
        Assert.False(answers.Any(a => a.StatusCode == HttpStatusCode.InternalServerError),
            "An error page: " + string.Join(Environment.NewLine, app.LoggedErrors.Select(e => e[..Math.Min(e.Length, 600)])));
}
