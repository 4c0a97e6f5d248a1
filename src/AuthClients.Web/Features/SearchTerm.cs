using System.Buffers;
using System.Text;

namespace AuthClients.Web.Features;

/// <summary>
/// What a list's search box sends, made into the plain text the list looks for. Every list (Auth
/// Clients page and API, Users, Groups, a group's "add members" search) reads its term here, and the
/// searches pass it to the database only as a parameter, never as query syntax.
/// </summary>
public static class SearchTerm
{
    /// <summary>Longer input is cut: names and emails are shorter, and a piece this long of a longer redirect URL still finds it.</summary>
    public const int MaxLength = 256;

    /// <summary>
    /// The input without control characters (a NUL cannot even be passed to PostgreSQL, and no
    /// stored name, email or URL holds one) or unpaired surrogates, trimmed and cut to
    /// <see cref="MaxLength"/>; null when nothing is left to look for.
    /// </summary>
    public static string? From(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        var text = new StringBuilder(input.Length);
        for (var rest = input.AsSpan(); !rest.IsEmpty;)
        {
            // An unpaired surrogate does not decode (Done): it is dropped like a control character.
            var decoded = Rune.DecodeFromUtf16(rest, out var rune, out var used);
            if (decoded == OperationStatus.Done && !Rune.IsControl(rune))
            {
                text.Append(rest[..used]);
            }

            rest = rest[used..];
        }

        var term = text.ToString().Trim();
        if (term.Length > MaxLength)
        {
            term = term[..(char.IsHighSurrogate(term[MaxLength - 1]) ? MaxLength - 1 : MaxLength)].TrimEnd();
        }

        return term.Length == 0 ? null : term;
    }
}
