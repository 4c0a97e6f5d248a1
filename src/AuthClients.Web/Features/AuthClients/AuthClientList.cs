using AuthClients.Web.Features.Lists;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The Auth Clients list's columns, as its URLs name them (<c>sort=name</c>).</summary>
public static class AuthClientSort
{
    public const string ClientId = "id";
    public const string Name = "name";
    public const string Redirect = "redirect";

    /// <summary>Newest first unless the user picked a column.</summary>
    public static readonly ListColumns Columns = new(ClientId, [ClientId, Name, Redirect], defaultDescending: true);
}

/// <summary>One row of the Auth Clients table. Holds no secret.</summary>
public sealed record AuthClientListItem(
    string Id,
    string ClientId,
    string Name,
    string? Redirect,
    int MoreRedirects,
    bool HasSecret,
    DateTime CreatedAt,
    IReadOnlyList<string> Scopes);
