using System.Globalization;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>The Audit Log page: its filters (as typed, and as checked), its sort and page, and the rows.</summary>
public sealed record AuditLogViewModel(AuditLogFilter Filter, AuditLogCriteria Criteria, ListQuery Query, AuditLogPage Result)
{
    public ListPage<AuditLogItem> Page => Result.Rows;

    /// <summary>The message next to a filter that cannot be read, if any.</summary>
    public string? ErrorFor(string field) => Criteria.Errors.GetValueOrDefault(field);

    /// <summary>What the actor box shows: the filtered user's email rather than their id.</summary>
    public string? ActorText => Result.ActorUser?.Email ?? Filter.Actor;

    /// <summary>The page with these filters, sort and page (the page size kept).</summary>
    public string Url(IUrlHelper url, AuditLogFilter? filter = null, string? sort = null, string? dir = null, int page = 1) =>
        url.Content("~" + Routes.AuditLog) + QueryString.Create(State(filter ?? Filter, sort ?? Query.Sort, dir ?? Query.Direction, page, withPageSize: true));

    /// <summary>The CSV export with the page's filters and order.</summary>
    public string ExportUrl(IUrlHelper url) =>
        url.Content("~" + Routes.AuditLog + "/export") + QueryString.Create(State(Filter, Query.Sort, Query.Direction, page: 1, withPageSize: false));

    public SortHeaderViewModel SortHeader(IUrlHelper url) =>
        new(Query, AuditLogSort.Time, "When", (key, dir) => Url(url, sort: key, dir: dir));

    public ListFooterViewModel Footer(IUrlHelper url) => new(
        Routes.AuditLog,
        Page,
        ListQuery.PageSizes,
        Filter.ToQuery().Append(KeyValuePair.Create("sort", Query.Sort)).Append(KeyValuePair.Create("dir", Query.Direction)).ToDictionary(),
        page => Url(url, page: page),
        Result.IsCapped ? $"{AuditLogQueries.CountLimit:N0}+ events" : null);

    private List<KeyValuePair<string, string?>> State(AuditLogFilter filter, string? sort, string? dir, int page, bool withPageSize)
    {
        var pairs = filter.ToQuery().ToList();
        if (sort is not null)
        {
            pairs.Add(KeyValuePair.Create("sort", (string?)sort));
        }

        if (dir is not null)
        {
            pairs.Add(KeyValuePair.Create("dir", (string?)dir));
        }

        if (page > 1)
        {
            pairs.Add(KeyValuePair.Create("page", (string?)page.ToString(CultureInfo.InvariantCulture)));
        }

        if (withPageSize && Query.SafePageSize != ListQuery.DefaultPageSize)
        {
            pairs.Add(KeyValuePair.Create("perPage", (string?)Query.SafePageSize.ToString(CultureInfo.InvariantCulture)));
        }

        return pairs;
    }
}
