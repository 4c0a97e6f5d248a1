namespace AuthClients.Web.Connect;

internal static class CallerText
{
    /// <summary>Text a caller chose, fit for a log line: at most 100 characters, no line breaks or other control characters.</summary>
    public static string? Printable(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var safe = string.Concat(text.Take(100).Select(c => char.IsControl(c) ? '?' : c));
        return text.Length > 100 ? safe + "..." : safe;
    }
}
