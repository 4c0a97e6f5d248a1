namespace AuthClients.Web.Authorization;

/// <summary>One right a user can hold, directly or through a group.</summary>
/// <param name="Key">Stored in the database and carried in claims, e.g. <c>view-auth_clients</c>.</param>
/// <param name="Name">What administrators read, e.g. "View Auth Clients".</param>
/// <param name="Category">The heading it is listed under, e.g. "Auth Clients".</param>
public sealed record Permission(string Key, string Name, string Category);

/// <summary>
/// The permission catalogue: every permission the application knows, grouped by category. Each
/// permission's key is also the name of the authorization policy that requires it, so
/// controllers write <c>[Authorize(Policy = Permissions.AuthClients.EditKey)]</c>.
/// </summary>
public static class Permissions
{
    public static class AuthClients
    {
        public const string Category = "Auth Clients";
        public const string ViewKey = "view-auth_clients";
        public static readonly Permission View = new(ViewKey, "View Auth Clients", Category);
        public const string CreateKey = "create-auth_clients";
        public static readonly Permission Create = new(CreateKey, "Create Auth Clients", Category);
        public const string EditKey = "edit-auth_clients";
        public static readonly Permission Edit = new(EditKey, "Edit Auth Clients", Category);
        public const string DeleteKey = "delete-auth_clients";
        public static readonly Permission Delete = new(DeleteKey, "Delete Auth Clients", Category);
    }

    public static class Users
    {
        public const string Category = "Users";
        public const string ViewKey = "view-users";
        public static readonly Permission View = new(ViewKey, "View Users", Category);
        public const string CreateKey = "create-users";
        public static readonly Permission Create = new(CreateKey, "Create Users", Category);
        public const string EditKey = "edit-users";
        public static readonly Permission Edit = new(EditKey, "Edit Users", Category);
        public const string DeleteKey = "delete-users";
        public static readonly Permission Delete = new(DeleteKey, "Delete Users", Category);
    }

    public static class Groups
    {
        public const string Category = "Groups";
        public const string ViewKey = "view-groups";
        public static readonly Permission View = new(ViewKey, "View Groups", Category);
        public const string CreateKey = "create-groups";
        public static readonly Permission Create = new(CreateKey, "Create Groups", Category);
        public const string EditKey = "edit-groups";
        public static readonly Permission Edit = new(EditKey, "Edit Groups", Category);
        public const string DeleteKey = "delete-groups";
        public static readonly Permission Delete = new(DeleteKey, "Delete Groups", Category);
    }

    public static class Audit
    {
        public const string Category = "Audit";
        public const string ViewKey = "view-audit_log";
        public static readonly Permission View = new(ViewKey, "View Audit Log", Category);
    }

    public static IReadOnlyList<Permission> All { get; } =
    [
        AuthClients.View, AuthClients.Create, AuthClients.Edit, AuthClients.Delete,
        Users.View, Users.Create, Users.Edit, Users.Delete,
        Groups.View, Groups.Create, Groups.Edit, Groups.Delete,
        Audit.View,
    ];

    public static bool IsKnown(string key) => All.Any(p => p.Key == key);

    /// <summary>Whether a permission changes something (Create, Edit or Delete), as opposed to only viewing.</summary>
    public static bool IsWrite(string key) =>
        key.StartsWith("create-", StringComparison.Ordinal) || key.StartsWith("edit-", StringComparison.Ordinal) || key.StartsWith("delete-", StringComparison.Ordinal);

    /// <summary>
    /// The permissions a policy demands: using any action of a category also needs its View
    /// permission ("View is needed to use any of the others"): one cannot edit what one cannot open.
    /// </summary>
    public static IReadOnlyList<Permission> RequiredFor(Permission permission)
    {
        var view = All.First(p => p.Category == permission.Category && p.Key.StartsWith("view-", StringComparison.Ordinal));
        return view == permission ? [permission] : [view, permission];
    }
}
