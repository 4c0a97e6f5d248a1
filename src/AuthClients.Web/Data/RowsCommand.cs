using System.Globalization;
using System.Text;

namespace AuthClients.Web.Data;

/// <summary>
/// One SQL command for many rows, for the few statements written as SQL (the background flush's
/// batched writes, where a statement per row through EF Core cost a round robin's CPU, docs/performance.md):
/// <see cref="Head"/>, then <see cref="PerRow"/> for each row joined by <see cref="Between"/>, then <see cref="Tail"/>.
/// In <see cref="PerRow"/>, <c>{0}</c>, <c>{1}</c>, ... stand for the row's values, each sent as a
/// parameter; a null value is written as the literal <c>NULL</c> (a raw parameter cannot carry a
/// null). A provider that has no statement for many rows gets a statement per row in <see cref="PerRow"/>.
/// </summary>
internal sealed record RowsCommand(string Head, string PerRow, string Between, string Tail)
{
    /// <summary>The command's text and parameters for <paramref name="rows"/> (their values by <paramref name="valuesOf"/>), for <c>ExecuteSqlRawAsync</c>.</summary>
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
