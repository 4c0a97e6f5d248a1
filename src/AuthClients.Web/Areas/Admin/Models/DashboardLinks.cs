using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>Where the dashboard's figures lead: the Auth Clients list with a filter, a client's Activity tab, the Audit Log filtered.</summary>
public static class DashboardLinks
{
    // The Audit Log's query parameters (the contract of its page and its CSV export).
    public const string AuditActor = "actor";
    public const string AuditTargetType = "targetType";
    public const string AuditTarget = "target";
    public const string AuditAction = "action";

    /// <summary>The Auth Clients list with one of its filters (<see cref="AuthClientSort"/>), or every client.</summary>
    public static string ClientList(string? filter = null) =>
        filter is null ? Routes.AuthClients : Routes.AuthClients + QueryString.Create("filter", filter);

    /// <summary>A client's Activity tab, by its internal id (as its edit page).</summary>
    public static string Activity(string id) => $"{Routes.AuthClients}/{Uri.EscapeDataString(id)}/activity";

    public static string ClientEdit(string id) => $"{Routes.AuthClients}/{Uri.EscapeDataString(id)}/edit";

    public static string AuditLog(params (string Name, string? Value)[] filters) =>
        Routes.AuditLog + QueryString.Create(filters.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)));
}
