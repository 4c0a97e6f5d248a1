using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthClients.Web.Features.Lists;

/// <summary>
/// A row's position in a list's order, as a page's Next and Previous links carry it
/// (<c>after=</c> / <c>before=</c>, an opaque base64url token): the column and direction the list
/// was sorted by, the row's value in that column, and its tie-breaker (the client's number). The next
/// page is then read from that position onward (<c>WHERE key &gt; @value ... LIMIT n</c>) instead of
/// skipping every row before it (<c>OFFSET</c>), which at 1,000,000 rows took seconds deep in the list.
/// </summary>
/// <param name="Value">The row's value in the sorted column, as text; null for a row without one (never used).</param>
/// <param name="Tie">The tie-breaker: rows with the same value are ordered by it, in the list's direction.</param>
public sealed record ListCursor(
    [property: JsonPropertyName("s")] string Sort,
    [property: JsonPropertyName("d")] bool Descending,
    [property: JsonPropertyName("v")] string? Value,
    [property: JsonPropertyName("n")] long Tie)
{
    /// <summary>Far above any real token (about 100 characters); a longer one is not decoded at all.</summary>
    public const int MaxTokenLength = 1024;

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    /// <summary>The position a token holds, or null for anything that is not a token this class wrote: the link is then read as its page number.</summary>
    public static ListCursor? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        try
        {
            var cursor = JsonSerializer.Deserialize<ListCursor>(Base64Url.DecodeFromChars(token));
            // No row holds a NUL (PostgreSQL refuses it in text, even as a parameter): a value with one is not a position.
            return cursor?.Sort is null || cursor.Value?.Contains('\0', StringComparison.Ordinal) == true ? null : cursor;
        }
        catch (Exception e) when (e is FormatException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Whether the position was taken in this order: a token of another column or direction means nothing here.</summary>
    public bool Fits(ListQuery query) => Sort == query.SortKey && Descending == query.SortsDescending;
}

/// <summary>Where a page starts: right after a position (its Next link) or right before one (its Previous link).</summary>
public sealed record ListSeek(ListCursor At, bool Backward);
