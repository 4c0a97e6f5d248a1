using System.Globalization;
using AuthClients.Web.Data;
using Microsoft.Data.Sqlite;

namespace AuthClients.Tests.Database;

/// <summary>
/// The flush's many-row commands on SQLite send their rows as one JSON parameter
/// (<see cref="SqliteJsonRowsCommand"/>): every value must reach SQLite as the same text or number it
/// would have been as a parameter of its own, or a last-used time would compare wrongly with the
/// one stored, and an hour's count would miss its row.
/// </summary>
public sealed class SqliteJsonRowsTests
{
    public static TheoryData<DateTime> Times =>
    [
        new DateTime(2026, 12, 3, 7, 0, 0, DateTimeKind.Utc), // no fraction: no decimal point either
        new DateTime(2026, 12, 3, 7, 5, 9, 120, DateTimeKind.Utc), // trailing zeros
        new DateTime(2026, 12, 3, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1),
        new DateTime(1999, 12, 31, 12, 30, 45, 7, DateTimeKind.Unspecified),
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void ADate_ReachesSqlite_AsTheTextItWouldBeBoundAs(DateTime time)
    {
        using var connection = Opened();
        using var bound = connection.CreateCommand();
        bound.CommandText = "SELECT $time";
        bound.Parameters.AddWithValue("$time", time);

        Assert.Equal((string)bound.ExecuteScalar()!, ReadBack(connection, [[time]])[0][0]);
    }

    [Fact]
    public void Rows_ReadBackAsTheirValues_TextsNumbersAndNulls()
    {
        object?[][] rows =
        [
            ["plain", 1L, null],
            ["quote \" and backslash \\ and 'single'", long.MaxValue, "10.0.0.1"],
            ["ünïcödé ✓ 日本", -5L, "::1"],
        ];

        using var connection = Opened();
        var read = ReadBack(connection, rows);

        Assert.Equal(rows.Length, read.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i], read[i]);
        }
    }

    /// <summary>The rows as the command hands them to SQLite, one result row per row.</summary>
    private static List<object?[]> ReadBack(SqliteConnection connection, object?[][] rows)
    {
        var columns = rows[0].Length;
        var (text, parameters) = new SqliteJsonRowsCommand("", columns, "").For(rows, row => row);
        using var command = connection.CreateCommand();
        command.CommandText = text.Replace("{0}", "$rows", StringComparison.Ordinal);
        command.Parameters.AddWithValue("$rows", Assert.Single(parameters));
        using var reader = command.ExecuteReader();
        var read = new List<object?[]>();
        while (reader.Read())
        {
            read.Add([.. Enumerable.Range(0, columns).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))]);
        }

        return read;
    }

    private static SqliteConnection Opened()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }
}
