namespace AuthClients.Web.Hosting;

/// <summary>Paths that code outside the controllers needs to know.</summary>
public static class Routes
{
    public const string SignIn = "/account/login";
    public const string SignOut = "/account/logout";
    public const string AccessDenied = "/error/403";
    public const string Error = "/error";
    public const string Dashboard = "/admin";
    public const string AuthClients = "/admin/auth-clients";
    public const string AuditLog = "/admin/audit-log";
    public const string Users = "/admin/users";
    public const string Groups = "/admin/groups";
    public const string Profile = "/profile";

    // The OAuth / OpenID Connect endpoints (OpenIddict takes them without the leading slash).
    public const string Authorize = "/connect/authorize";
    public const string Token = "/connect/token";
    public const string Introspect = "/connect/introspect";
    public const string Revoke = "/connect/revoke";
    public const string UserInfo = "/connect/userinfo";
    public const string EndSession = "/connect/logout";
}
