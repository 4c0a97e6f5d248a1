using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.SecondFactor;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// A one-time code works once: the server accepts the code of any 30-second step from two before
/// its clock to two after, but never a step at or before the last one it accepted from that user,
/// whether that code set the app up or signed in. Codes are computed for chosen steps (the server's
/// clock is the test's or one step later by the time a request arrives), so nothing waits.
/// </summary>
public sealed class CodeReplayTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    /// <summary>Each step the server's window holds signs in once, in one browser; the same code in another is refused.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(AuthenticatorCodes.StepsAhead)]
    public async Task ACodeInTheWindow_SignsInOnce(int stepsFromNow)
    {
        var now = AuthenticatorCodes.CurrentStep;
        var (email, key) = await SetUpAsync(setUpStep: now - 1);
        var code = AuthenticatorCodes.ForStep(key, now + stepsFromNow);

        Assert.True(await app.SignsInWithCodeAsync(email, code), $"The code for step now{stepsFromNow:+0;-0} did not sign in.");

        var again = await app.AtTheCodeStepAsync(email);
        var response = await again.CodeStepAsync(code);
        Assert.Equal(SecondFactorSignIn.WrongCodeMessage, CodeError(await response.Content.ReadAsStringAsync()));
        Assert.False(await again.IsSignedInAsync(), "A used code signed in a second time.");
    }

    [Fact]
    public async Task TheCodeThatSetTheAppUp_DoesNotSignIn()
    {
        var step = AuthenticatorCodes.CurrentStep;
        var (email, key) = await SetUpAsync(step);

        Assert.False(await app.SignsInWithCodeAsync(email, AuthenticatorCodes.ForStep(key, step)));
        Assert.True(await app.SignsInWithCodeAsync(email, AuthenticatorCodes.ForStep(key, step + 1)), "The next code did not sign in.");
    }

    [Fact]
    public async Task AnOlderCode_AfterANewerOne_DoesNotSignIn()
    {
        var now = AuthenticatorCodes.CurrentStep;
        var (email, key) = await SetUpAsync(setUpStep: now - 1);
        Assert.True(await app.SignsInWithCodeAsync(email, AuthenticatorCodes.ForStep(key, now + AuthenticatorCodes.StepsAhead)));

        foreach (var older in new[] { now - 1, now, now + 1 })
        {
            Assert.False(await app.SignsInWithCodeAsync(email, AuthenticatorCodes.ForStep(key, older)), $"The code of an earlier step ({older - now:+0;-0}) signed in after a later one.");
        }
    }

    /// <summary>Outside the window (well past or well ahead of the server's clock) a code is wrong, used or not.</summary>
    [Theory]
    [InlineData(-4)]
    [InlineData(4)]
    public async Task ACodeOutsideTheWindow_DoesNotSignIn(int stepsFromNow)
    {
        var (email, key) = await SetUpAsync(AuthenticatorCodes.CurrentStep);

        Assert.False(await app.SignsInWithCodeAsync(email, AuthenticatorCodes.ForStep(key, AuthenticatorCodes.CurrentStep + stepsFromNow)));
    }

    /// <summary>Two browsers sending the same code at once (or two instances of the app): one signs in, never both.</summary>
    [Fact]
    public async Task TheSameCodeFromTwoBrowsersAtOnce_SignsInOne()
    {
        var now = AuthenticatorCodes.CurrentStep;
        var (email, key) = await SetUpAsync(setUpStep: now - 1);
        var code = AuthenticatorCodes.ForStep(key, now + 1);
        var browsers = new[] { await app.AtTheCodeStepAsync(email), await app.AtTheCodeStepAsync(email) };

        var answers = await Task.WhenAll(browsers.Select(b => b.CodeStepAsync(code)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, (await Task.WhenAll(browsers.Select(b => b.IsSignedInAsync()))).Count(signedIn => signedIn));
    }

    /// <summary>A code used on one instance is refused by another sharing the database (or by the same app restarted).</summary>
    [Fact]
    public async Task ACodeUsedOnOneInstance_IsRefusedByAnother()
    {
        var now = AuthenticatorCodes.CurrentStep;
        var (email, key) = await SetUpAsync(setUpStep: now - 1);
        var code = AuthenticatorCodes.ForStep(key, now + 1);
        await using var other = new AuthClientsAppFactory { Database = app.Database };

        Assert.True(await app.SignsInWithCodeAsync(email, code));

        Assert.False(await other.SignsInWithCodeAsync(email, code), "Another instance took a code already used.");
        Assert.True(await other.SignsInWithCodeAsync(email, AuthenticatorCodes.ForStep(key, now + 2)), "The next code did not sign in on the other instance.");
    }

    private async Task<(string Email, string Key)> SetUpAsync(long setUpStep)
    {
        var email = await app.CreateUserAsync();
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync(key => AuthenticatorCodes.ForStep(key, setUpStep));
        return (email, key);
    }
}
