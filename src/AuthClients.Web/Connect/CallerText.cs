using System.Buffers;
using System.Text;

namespace AuthClients.Web.Connect;

internal static class CallerText
{
    /// <summary>The most characters of caller-chosen text that is kept.</summary>
    public const int MaxLength = 100;

    /// <summary>Text a caller chose, fit for a log line: at most 100 characters, no line breaks or other control characters.</summary>
    public static string? Printable(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var safe = string.Concat(text.Take(MaxLength).Select(c => char.IsControl(c) ? '?' : c));
        return text.Length > MaxLength ? safe + "..." : safe;
    }

    /// <summary>
    /// Text a caller chose, fit for a column of <see cref="MaxLength"/> characters: cut to that many
    /// (never inside a surrogate pair), control characters and unpaired surrogates replaced by
    /// <c>?</c>. An unpaired surrogate is not only unreadable: PostgreSQL's driver refuses to encode
    /// it, and one such Client ID would fail every later write of the batch it sits in. The same
    /// instance (no allocation) when it already fits, as a real Client ID or grant type does.
    /// </summary>
    public static string Cut(string text)
    {
        var fits = text.Length <= MaxLength;
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, MaxLength)))
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                fits = false;
                break;
            }
        }

        if (fits)
        {
            return text;
        }

        var cut = new StringBuilder(MaxLength);
        for (var rest = text.AsSpan(); !rest.IsEmpty;)
        {
            var decoded = Rune.DecodeFromUtf16(rest, out var rune, out var used);
            var printable = decoded == OperationStatus.Done && !Rune.IsControl(rune) ? rest[..used] : "?";
            if (cut.Length + printable.Length > MaxLength)
            {
                break;
            }

            cut.Append(printable);
            rest = rest[used..];
        }

        return cut.ToString();
    }
}
