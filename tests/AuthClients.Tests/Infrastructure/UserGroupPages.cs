using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using Group = AuthClients.Web.Data.Entities.Group;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Infrastructure;

/// <summary>Drives the Users, Groups and Profile pages through HTTP, and reads the store to check what they did.</summary>
public static partial class UserGroupPages
{
    public const string Users = "/admin/users";
    public const string Groups = "/admin/groups";
    public const string Profile = "/profile";

    /// <summary>A group's Members tab.</summary>
    public static string MembersPage(string groupId) => $"{Groups}/{groupId}/members";

    /// <summary>
    /// Posts a form with an anti-forgery token from the profile page, which every signed-in user
    /// (and the sign-in page, which everyone) can open: so a refused post is refused by
    /// authorization, not by a missing token.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string actionUrl, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var tokenPage = (await client.GetAsync(Profile)).StatusCode == HttpStatusCode.OK ? Profile : "/account/login";
        return await client.PostFormAsync(tokenPage, actionUrl, fields);
    }

    public static IEnumerable<KeyValuePair<string, string>> UserForm(
        string email,
        string firstName = "Ada",
        string lastName = "Lovelace",
        string? password = null,
        string? confirmPassword = null,
        string status = "Active",
        string? concurrencyStamp = null)
    {
        yield return new("Form.FirstName", firstName);
        yield return new("Form.LastName", lastName);
        yield return new("Form.Email", email);
        yield return new("Form.Status", status);
        if (password is not null) yield return new("Form.Password", password);
        if (password is not null || confirmPassword is not null) yield return new("Form.ConfirmPassword", confirmPassword ?? password!);
        if (concurrencyStamp is not null) yield return new("Form.ConcurrencyStamp", concurrencyStamp);
    }

    public static IEnumerable<KeyValuePair<string, string>> PermissionsForm(IEnumerable<string> permissions, bool superAdmin = false, string? concurrencyStamp = null)
    {
        foreach (var permission in permissions)
        {
            yield return new("Form.Permissions", permission);
        }

        if (superAdmin) yield return new("Form.SuperAdmin", "true");
        if (concurrencyStamp is not null) yield return new("Form.ConcurrencyStamp", concurrencyStamp);
    }

    public static IEnumerable<KeyValuePair<string, string>> GroupForm(string name, string? description = null, string? concurrencyStamp = null)
    {
        yield return new("Form.Name", name);
        if (description is not null) yield return new("Form.Description", description);
        if (concurrencyStamp is not null) yield return new("Form.ConcurrencyStamp", concurrencyStamp);
    }

    /// <summary>Saves a group's name and description the way its edit page does: with the version the page showed.</summary>
    public static async Task<HttpResponseMessage> EditGroupAsync(this HttpClient client, AuthClientsAppFactory app, string groupId, string name, string? description = null) =>
        await client.PostAsync($"{Groups}/{groupId}/edit", GroupForm(name, description, (await app.FindGroupAsync(groupId))?.ConcurrencyStamp));

    /// <summary>Saves a user's permissions the way the tab does: with the concurrency stamp of the page.</summary>
    public static async Task<HttpResponseMessage> SaveUserPermissionsAsync(this HttpClient client, AuthClientsAppFactory app, string userId, IEnumerable<string> permissions, bool superAdmin = false) =>
        await client.PostAsync($"{Users}/{userId}/permissions", PermissionsForm(permissions, superAdmin, (await app.FindUserAsync(userId))!.ConcurrencyStamp));

    public static Task<string> UserIdAsync(this AuthClientsAppFactory app, string email) =>
        app.WithServicesAsync(async sp => (await sp.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id);

    public static Task<AppUser?> FindUserAsync(this AuthClientsAppFactory app, string id) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id));

    /// <summary>Creates a user in the store and returns (email, id).</summary>
    public static async Task<(string Email, string Id)> CreateUserWithIdAsync(this AuthClientsAppFactory app, string[]? permissions = null, bool superAdmin = false, string[]? groupPermissions = null, bool active = true)
    {
        var email = await app.CreateUserAsync(permissions: permissions, superAdmin: superAdmin, groupPermissions: groupPermissions, active: active);
        return (email, await app.UserIdAsync(email));
    }

    public static Task<string[]> OwnPermissionsAsync(this AuthClientsAppFactory app, string userId) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().UserPermissions
            .Where(p => p.UserId == userId).Select(p => p.Permission).OrderBy(p => p).ToArrayAsync());

    public static Task<string[]> GroupPermissionsAsync(this AuthClientsAppFactory app, string groupId) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().GroupPermissions
            .Where(p => p.GroupId == groupId).Select(p => p.Permission).OrderBy(p => p).ToArrayAsync());

    public static Task<string[]> GroupMemberIdsAsync(this AuthClientsAppFactory app, string groupId) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().GroupMembers
            .Where(m => m.GroupId == groupId).Select(m => m.UserId).ToArrayAsync());

    public static Task<Group?> FindGroupAsync(this AuthClientsAppFactory app, string id) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id));

    /// <summary>The audit records of changes made to a user or group; a user's own sign-ins (audited too) are left out.</summary>
    public static Task<List<AuditRecord>> AuditRecordsAsync(this AuthClientsAppFactory app, string targetId) =>
        app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()
            .Where(a => a.TargetId == targetId && a.Action != SignInAudit.Succeeded && a.Action != SignInAudit.Failed).OrderBy(a => a.Id).ToListAsync());

    /// <summary>Creates a group in the store, with permissions and members, and returns its id.</summary>
    public static async Task<string> CreateGroupAsync(this AuthClientsAppFactory app, string? name = null, string[]? permissions = null, string[]? memberIds = null, string? description = null)
    {
        var group = new Group { Name = name ?? $"Group {Guid.NewGuid():N}", Description = description };
        group.NormalizedName = group.Name.ToUpperInvariant();
        group.Members.AddRange((memberIds ?? []).Select(id => new GroupMember { UserId = id }));
        group.Permissions.AddRange((permissions ?? []).Select(p => new GroupPermission { Permission = p }));
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Groups.Add(group);
            await db.SaveChangesAsync();
        });
        return group.Id;
    }

    /// <summary>The message shown next to a field (<c>Form.Email</c>), or null.</summary>
    public static string? FieldError(string html, string field)
    {
        var match = Regex.Match(html, $"data-valmsg-for=\"{Regex.Escape(field)}\"[^>]*>([^<]*)</span>");
        return match.Success && match.Groups[1].Value.Length > 0 ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>The messages of the validation summary above a form.</summary>
    public static IReadOnlyList<string> SummaryErrors(string html)
    {
        var summary = SummaryPattern().Match(html);
        return summary.Success
            ? ItemPattern().Matches(summary.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList()
            : [];
    }

    /// <summary>The one-time status message after a redirect.</summary>
    public static async Task<string?> FollowStatusAsync(this HttpClient client, HttpResponseMessage redirect)
    {
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var html = await client.GetStringAsync(redirect.Headers.Location);
        var match = StatusPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : null;
    }

    /// <summary>The checkbox of a permission on a Permissions tab: (present, checked, disabled).</summary>
    public static (bool Checked, bool Disabled) Checkbox(string html, string permission)
    {
        var match = Regex.Match(html, $"<input[^>]*value=\"{Regex.Escape(permission)}\"[^>]*>");
        Assert.True(match.Success, $"No checkbox for {permission}.");
        return (match.Value.Contains("checked=\"checked\"", StringComparison.Ordinal), match.Value.Contains("disabled=\"disabled\"", StringComparison.Ordinal));
    }

    [GeneratedRegex("<div class=\"[^\"]*validation-summary-errors[^\"]*\"[^>]*><ul>(.*?)</ul>", RegexOptions.Singleline)]
    private static partial Regex SummaryPattern();

    [GeneratedRegex("<li>(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex ItemPattern();

    [GeneratedRegex("<div class=\"alert (?:alert-success|alert-warning) alert-dismissible fade show\"[^>]*>\\s*(.*?)\\s*<button", RegexOptions.Singleline)]
    private static partial Regex StatusPattern();
}
