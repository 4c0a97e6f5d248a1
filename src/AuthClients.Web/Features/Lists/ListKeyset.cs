using System.Linq.Expressions;

namespace AuthClients.Web.Features.Lists;

/// <summary>
/// What reading a list by position (<see cref="ListCursor"/>) needs to know about it.
/// </summary>
/// <param name="Sort">Sorts the rows by the list's column, ascending or descending (the argument); ties broken in the same direction, so the reverse order is exactly the order reversed.</param>
/// <param name="Past">The rows past a position: after it in ascending order (<c>greater</c> true) or before it; null when the position's value cannot be read for this column.</param>
/// <param name="Projection">The row as the page reads it.</param>
/// <param name="PositionOf">A row's value in the sorted column (as text) and its tie-breaker, for the links' tokens.</param>
/// <param name="Window">
/// The rows at a depth of the order (skip, take), chosen by the sorted column alone, for a page
/// reached by its number: <c>WHERE key IN (SELECT key ... ORDER BY key OFFSET n LIMIT size)</c>.
/// Where an index holds that column, the database walks the index past the skipped rows without
/// reading the rows behind them, and reads only the page's (PostgreSQL read every skipped row:
/// 2 s for the middle page of 1,000,000 clients by name). Null for an order no index holds alone:
/// such a page is read with <c>OFFSET</c>.
/// </param>
public sealed record ListKeyset<TRow, TItem>(
    Func<IQueryable<TRow>, bool, IQueryable<TRow>> Sort,
    Func<ListCursor, bool, Expression<Func<TRow, bool>>?> Past,
    Expression<Func<TRow, TItem>> Projection,
    Func<TItem, (string? Value, long Tie)> PositionOf,
    Func<IQueryable<TRow>, bool, int, int, IQueryable<TRow>>? Window)
{
    /// <summary>
    /// The row's property the list is sorted by, for an order with a <see cref="Window"/> (a unique
    /// index holds it alone): a page typed by its number deep in the whole list may then start from
    /// positions read along that index (<see cref="ListAnchors"/>), each with the property's value
    /// as text and the row's tie-breaker. Null for the other orders.
    /// </summary>
    public string? IndexedProperty { get; init; }
}

/// <summary>The <c>WHERE</c> of a page read by position, for a column sorted with its ties broken by a unique number.</summary>
public static class ListKeysetFilter
{
    /// <summary>
    /// The rows past (<paramref name="value"/>, <paramref name="tie"/>) in the order (key, tie),
    /// both ascending when <paramref name="greater"/>, with a missing key (null) lowest. Written
    /// <c>key &gt;= v AND (key &gt; v OR tie &gt; t)</c> rather than <c>key &gt; v OR (key = v AND tie &gt; t)</c>:
    /// a database reads the first as a range of the key's index, the second as a scan of it.
    /// </summary>
    /// <param name="keyMayBeNull">Whether rows without a key exist (they sort first ascending, last descending); a required column leaves that branch out, and with it an <c>OR</c> that would keep the index from being used.</param>
    public static Expression<Func<TRow, bool>> Past<TRow, TKey>(
        Expression<Func<TRow, TKey>> key,
        Expression<Func<TRow, long>> tieOf,
        TKey value,
        long tie,
        bool greater,
        bool keyMayBeNull)
    {
        var row = key.Parameters[0];
        var rowKey = key.Body;
        var rowTie = new SwapParameter(tieOf.Parameters[0], row).Visit(tieOf.Body);

        // Read from an object, not inlined as constants: EF Core sends them as parameters, so one plan serves every page.
        var position = Expression.Constant(new Position<TKey>(value, tie));
        var atKey = Expression.Property(position, nameof(Position<TKey>.Value));
        var atTie = Expression.Property(position, nameof(Position<TKey>.Tie));

        var tiePast = greater ? Expression.GreaterThan(rowTie, atTie) : Expression.LessThan(rowTie, atTie);
        var keyIsNull = Expression.Equal(rowKey, Expression.Constant(null, typeof(TKey)));
        Expression body;
        if (value is null)
        {
            // Past a row without a key: ascending, the other keyless rows after it, then every keyed row; descending, only keyless rows.
            var keyless = Expression.AndAlso(keyIsNull, tiePast);
            body = greater ? Expression.OrElse(keyless, Expression.Not(keyIsNull)) : keyless;
        }
        else
        {
            var inRange = Expression.AndAlso(
                Compare(rowKey, atKey, greater ? ExpressionType.GreaterThanOrEqual : ExpressionType.LessThanOrEqual),
                Expression.OrElse(Compare(rowKey, atKey, greater ? ExpressionType.GreaterThan : ExpressionType.LessThan), tiePast));
            body = !greater && keyMayBeNull ? Expression.OrElse(inRange, keyIsNull) : inRange;
        }

        return Expression.Lambda<Func<TRow, bool>>(body, row);
    }

    // C# has no < on strings; EF Core translates string.Compare(a, b) < 0 to a < b.
    private static BinaryExpression Compare(Expression left, Expression right, ExpressionType comparison) =>
        left.Type == typeof(string)
            ? Expression.MakeBinary(comparison, Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, left, right), Expression.Constant(0))
            : Expression.MakeBinary(comparison, left, right);

    private sealed record Position<TKey>(TKey Value, long Tie);

    private sealed class SwapParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
