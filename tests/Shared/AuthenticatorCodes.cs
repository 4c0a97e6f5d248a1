using System.Collections.Concurrent;
using System.Globalization;
using OtpNet;

namespace AuthClients.Tests.Shared;

/// <summary>
/// The codes an authenticator app shows for a key, computed as the app would (Otp.NET, 30-second
/// steps). The server accepts a code from two steps before its clock to two after, and each step
/// once only; so <see cref="Next"/> gives, for each key, a code for a step after every one it gave
/// before, as if the test waited for the app's next code without waiting.
/// </summary>
public static class AuthenticatorCodes
{
    public const int StepSeconds = 30;

    /// <summary>How far ahead of now the server still accepts a code (Identity's window).</summary>
    public const int StepsAhead = 2;

    private static readonly ConcurrentDictionary<string, long> LastStepGiven = new();

    /// <summary>The step of now (Unix seconds / 30). The server's clock reads the same or, by the time a request arrives, one later.</summary>
    public static long CurrentStep => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for one time step; <paramref name="key"/> as the page shows it, spaces or not.</summary>
    public static string ForStep(string key, long step) =>
        new Totp(Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal)))
            .ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * StepSeconds).UtcDateTime);

    /// <summary>A code the server has not had from this key: now's, or the step after the last one given.</summary>
    public static string Next(string key)
    {
        var now = CurrentStep;
        var step = LastStepGiven.AddOrUpdate(key.Replace(" ", "", StringComparison.Ordinal), now, (_, last) => Math.Max(last + 1, now));
        if (step > now + StepsAhead)
        {
            throw new InvalidOperationException($"A test asked for more than {StepsAhead + 1} codes of one key within {StepSeconds} seconds; the server would refuse the next.");
        }

        return ForStep(key, step);
    }

    /// <summary>
    /// Six-digit codes no app holding <paramref name="key"/> could show now or in the steps around
    /// now, so each is wrong for sure.
    /// </summary>
    public static IReadOnlyList<string> WrongFor(string key, int count, int seed)
    {
        var now = CurrentStep;
        var accepted = Enumerable.Range(-StepsAhead - 1, 2 * StepsAhead + 4).Select(offset => ForStep(key, now + offset)).ToHashSet();
        var random = new Random(seed);
        var wrong = new List<string>();
        while (wrong.Count < count)
        {
            var code = random.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            if (!accepted.Contains(code) && !wrong.Contains(code))
            {
                wrong.Add(code);
            }
        }

        return wrong;
    }
}
