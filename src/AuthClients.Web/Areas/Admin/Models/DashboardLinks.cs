using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>Where the dashboard's figures lead: the Auth Clients list with a filter, a client's Activity tab (the Audit Log's links: <see cref="Features.Audit.AuditLogFilter.Link"/>).</summary>
public static class DashboardLinks
{
    /// <summary>The Auth Clients list with one of its filters (<see cref="AuthClientSort"/>), or every client.</summary>
    public static string ClientList(string? filter = null) =>
        filter is null ? Routes.AuthClients : Routes.AuthClients + QueryString.Create("filter", filter);

    /// <summary>A client's Activity tab, by its internal id (as its edit page).</summary>
    public static string Activity(string id) => $"{Routes.AuthClients}/{Uri.EscapeDataString(id)}/activity";

    public static string ClientEdit(string id) => $"{Routes.AuthClients}/{Uri.EscapeDataString(id)}/edit";
}
