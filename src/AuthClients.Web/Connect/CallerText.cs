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
    /// Text a caller chose, fit for a column of <see cref="MaxLength"/> characters: cut to that many,
    /// control characters replaced. The same instance (no allocation) when it already fits, as a real
    /// Client ID or grant type does.
    /// </summary>
    public static string Cut(string text)
    {
        var span = text.AsSpan(0, Math.Min(text.Length, MaxLength));
        var fits = text.Length <= MaxLength;
        foreach (var c in span)
        {
            if (char.IsControl(c))
            {
                fits = false;
                break;
            }
        }

        return fits ? text : string.Create(span.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
