namespace AuthClients.Web.Hosting;

/// <summary>Paths that code outside the controllers needs to know.</summary>
public static class Routes
{
    public const string SignIn = "/account/login";
    public const string SignOut = "/account/logout";
    public const string AccessDenied = "/error/403";
    public const string Error = "/error";
    public const string AuthClients = "/admin/auth-clients";
    public const string Users = "/admin/users";
    public const string Groups = "/admin/groups";
    public const string Profile = "/profile";
}
