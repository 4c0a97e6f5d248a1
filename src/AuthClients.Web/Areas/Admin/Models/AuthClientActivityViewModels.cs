using System.Globalization;
using AuthClients.Web.Features.Activity;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>The tabs of one auth client's pages: Details (the edit page) and Activity.</summary>
public sealed record AuthClientTabsViewModel(string Id, string Active)
{
    public const string Details = "details";
    public const string Activity = "activity";
}

/// <summary>A client's Activity tab: its report, with the two daily tables the charts are drawn from.</summary>
public sealed record AuthClientActivityViewModel(ClientActivityReport Report)
{
    public DailyTable Tokens { get; } = DailyTable.From(Report.Days, Report.Tokens, name => name);

    public DailyTable Failures { get; } = DailyTable.From(Report.Days, Report.Failures, FailureReasons.Describe);

    public static string Utc(DateTime when) => when.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Counts per UTC day (rows, oldest first) and per series (columns: grant types or reasons, most
/// first): the table a screen reader reads, and the chart's data (site script reads it from the table).
/// </summary>
public sealed record DailyTable(IReadOnlyList<string> Series, IReadOnlyList<DailyRow> Rows)
{
    public long Total => Rows.Sum(r => r.Total);

    public bool IsEmpty => Total == 0;

    public long SeriesTotal(int series) => Rows.Sum(r => r.Counts[series]);

    /// <summary>What the chart shows, in one sentence: the canvas's accessible name.</summary>
    public string Summary(string what)
    {
        var busiest = Rows.MaxBy(r => r.Total)!;
        var parts = string.Join(", ", Series.Select((name, i) => $"{name} {DailyRow.Number(SeriesTotal(i))}"));
        return $"{what} per day over the last {Rows.Count} days: {DailyRow.Number(Total)} in all ({parts}); most on {DailyRow.DayText(busiest.Day)}, {DailyRow.Number(busiest.Total)}.";
    }

    public static DailyTable From(IEnumerable<DateTime> days, IReadOnlyList<DailyCount> counts, Func<string, string> label)
    {
        var names = counts.GroupBy(c => c.Name, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(c => c.Count)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var byDay = counts.ToDictionary(c => (c.Day.Date, c.Name), c => c.Count);
        return new DailyTable(
            [.. names.Select(label)],
            [.. days.Select(day => new DailyRow(day, [.. names.Select(name => byDay.GetValueOrDefault((day.Date, name)))]))]);
    }
}

public sealed record DailyRow(DateTime Day, IReadOnlyList<long> Counts)
{
    public long Total => Counts.Sum();

    public static string DayText(DateTime day) => day.ToString("d MMM", CultureInfo.InvariantCulture);

    public static string Number(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string IsoDay(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
