using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AuthClients.Web.Data;

/// <summary>One SQL command for many rows: its text and parameters for <c>ExecuteSqlRawAsync</c>.</summary>
internal interface IRowsCommand
{
    /// <summary>The command's text and parameters for <paramref name="rows"/> (their values by <paramref name="valuesOf"/>).</summary>
    (string Text, List<object> Parameters) For<TRow>(IReadOnlyCollection<TRow> rows, Func<TRow, object?[]> valuesOf);
}

/// <summary>
/// One SQL command for many rows, for the few statements written as SQL (the background flush's
/// batched writes, where a statement per row through EF Core cost a round robin's CPU, docs/performance.md):
/// <see cref="Head"/>, then <see cref="PerRow"/> for each row joined by <see cref="Between"/>, then <see cref="Tail"/>.
/// In <see cref="PerRow"/>, <c>{0}</c>, <c>{1}</c>, ... stand for the row's values, each sent as a
/// parameter; a null value is written as the literal <c>NULL</c> (a raw parameter cannot carry a
/// null). A provider that has no statement for many rows gets a statement per row in <see cref="PerRow"/>.
/// </summary>
internal sealed record RowsCommand(string Head, string PerRow, string Between, string Tail) : IRowsCommand
{
    public (string Text, List<object> Parameters) For<TRow>(IReadOnlyCollection<TRow> rows, Func<TRow, object?[]> valuesOf)
    {
        var text = new StringBuilder(Head);
        var parameters = new List<object>();
        var first = true;
        foreach (var row in rows)
        {
            text.Append(first ? "" : Between);
            first = false;
            var placeholders = valuesOf(row).Select(value =>
            {
                if (value is null)
                {
                    return "NULL";
                }

                parameters.Add(value);
                return $"{{{parameters.Count - 1}}}";
            }).ToArray<object?>();
            text.AppendFormat(CultureInfo.InvariantCulture, PerRow, placeholders);
        }

        return (text.Append(Tail).ToString(), parameters);
    }
}

/// <summary>
/// SQLite: one command for many rows with one parameter, the rows as a JSON array of arrays, read
/// as a table by <c>json_each</c>: <see cref="Head"/>, then <c>SELECT value ->> 0, value ->> 1, ...
/// FROM json_each(...)</c> (a row's values in order), then <see cref="Tail"/>. SQLite finds a named
/// parameter by walking the statement's list of names, once when it parses the statement and once
/// for each value bound, so a command of 200 rows of 3 or 4 parameters each cost the square of its
/// parameters (3.3% of a round robin's CPU, docs/performance.md, fourteenth look); one parameter
/// costs the same for any number of rows. A date is written as Microsoft.Data.Sqlite binds one
/// (<see cref="SqliteDateTime"/>), so a comparison with a stored date compares the same text.
/// </summary>
internal sealed record SqliteJsonRowsCommand(string Head, int Columns, string Tail) : IRowsCommand
{
    /// <summary>How Microsoft.Data.Sqlite binds a <see cref="DateTime"/> (as text), and so how EF Core stores one.</summary>
    public const string SqliteDateTime = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    public (string Text, List<object> Parameters) For<TRow>(IReadOnlyCollection<TRow> rows, Func<TRow, object?[]> valuesOf)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                foreach (var value in valuesOf(row))
                {
                    Write(writer, value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        var columns = string.Join(", ", Enumerable.Range(0, Columns).Select(i => $"value ->> {i}"));
        return ($"{Head}SELECT {columns} FROM json_each({{0}}){Tail}", [Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length)]);
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case DateTime time:
                writer.WriteStringValue(time.ToString(SqliteDateTime, CultureInfo.InvariantCulture));
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            default:
                throw new ArgumentException($"A {value.GetType().Name} has no JSON form for SQLite here.", nameof(value));
        }
    }
}
