using AuthClients.Web.Connect;

namespace AuthClients.Tests.Security;

/// <summary>
/// The guard's vectorised search refuses exactly what RFC 6749 appendix A refuses: every one of the
/// 65,536 UTF-16 code units, alone and inside a long value (as in a refresh token, where the
/// vectorised search runs in blocks), is refused when char.IsControl says so, except tab and line breaks.
/// (MalformedRequestTests sends such values to every endpoint over HTTP.)
/// </summary>
public sealed class ProtocolRequestGuardTests
{
    [Fact]
    public void EveryControlCharacterButTabAndLineBreaks_IsRefused_AtAnyPositionOfALongValue()
    {
        var padding = new string('a', 2_000);
        var wrong = new List<string>();
        for (var code = 0; code <= char.MaxValue; code++)
        {
            var c = (char)code;
            var expected = char.IsControl(c) && c is not ('\t' or '\n' or '\r');
            foreach (var value in new[] { c.ToString(), padding + c, c + padding, padding[..1_000] + c + padding[..999] })
            {
                if (ProtocolRequestGuard.HasControlCharacter(value) != expected)
                {
                    wrong.Add($"U+{code:X4} in a value of {value.Length} characters: {(expected ? "accepted" : "refused")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(20)));
        Assert.False(ProtocolRequestGuard.HasControlCharacter(null));
        Assert.False(ProtocolRequestGuard.HasControlCharacter(""));
    }
}
