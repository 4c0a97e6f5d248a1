using System.Net;

namespace AuthClients.Tests.Infrastructure;

/// <summary>What one action of the Users or Groups pages acts on; created fresh for each test.</summary>
public sealed class ActionTargets
{
    public required AuthClientsAppFactory App { get; init; }

    /// <summary>A user with no rights, to open, edit, reset and finally delete.</summary>
    public required string UserId { get; init; }

    /// <summary>A group granting nothing, with <see cref="MemberId"/> in it.</summary>
    public required string GroupId { get; init; }

    public required string MemberId { get; init; }

    /// <summary>A user outside the group, to add to it.</summary>
    public required string OutsiderId { get; init; }

    public static async Task<ActionTargets> CreateAsync(AuthClientsAppFactory app)
    {
        var (_, userId) = await app.CreateUserWithIdAsync();
        var (_, memberId) = await app.CreateUserWithIdAsync();
        var (_, outsiderId) = await app.CreateUserWithIdAsync();
        var groupId = await app.CreateGroupAsync(memberIds: [memberId]);
        return new ActionTargets { App = app, UserId = userId, GroupId = groupId, MemberId = memberId, OutsiderId = outsiderId };
    }
}

/// <summary>
/// One thing a person can do on the Users or Groups pages, with the permissions it needs
/// (written out here, not computed by the application's own code).
/// </summary>
public sealed record UserGroupAction(string Name, string[] Requires, bool IsPost, Func<HttpClient, ActionTargets, Task<HttpResponseMessage>> Send)
{
    public override string ToString() => Name;

    /// <summary>Whether someone holding <paramref name="held"/> may do it.</summary>
    public bool AllowedFor(IReadOnlySet<string> held, bool superAdmin = false) => superAdmin || Requires.All(held.Contains);

    /// <summary>Allowed: the page (200) or the redirect after a successful post, never the sign-in page or an error.</summary>
    public void AssertAllowed(HttpResponseMessage response)
    {
        if (IsPost)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{Name}: expected a redirect, got {(int)response.StatusCode}.");
            var location = response.Headers.Location!.OriginalString;
            Assert.DoesNotContain("/account/login", location, StringComparison.Ordinal);
            Assert.DoesNotContain("/error", location, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{Name}: expected 200, got {(int)response.StatusCode}.");
        }
    }

    public void AssertForbidden(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{Name}: expected 403, got {(int)response.StatusCode}.");

    public void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{Name}: expected a redirect to sign in, got {(int)response.StatusCode}.");
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}

/// <summary>Every action of the Users and Groups pages, destructive ones last (they remove their target).</summary>
public static class UserGroupActions
{
    public const string ViewUsers = "view-users";
    public const string CreateUsers = "create-users";
    public const string EditUsers = "edit-users";
    public const string DeleteUsers = "delete-users";
    public const string ViewGroups = "view-groups";
    public const string CreateGroups = "create-groups";
    public const string EditGroups = "edit-groups";
    public const string DeleteGroups = "delete-groups";
    public const string ViewAuthClients = "view-auth_clients";

    public const string NewPassword = "a-brand-new-password-for-tests";

    private const string Users = UserGroupPages.Users;
    private const string Groups = UserGroupPages.Groups;

    public static IReadOnlyList<UserGroupAction> All { get; } =
    [
        Get("users: list", [ViewUsers], _ => Users),
        Get("users: create page", [ViewUsers, CreateUsers], _ => $"{Users}/create"),
        Post("users: create", [ViewUsers, CreateUsers], _ => $"{Users}/create",
            _ => UserGroupPages.UserForm($"new-{Guid.NewGuid():N}@example.test", password: NewPassword)),
        Get("users: edit page", [ViewUsers, EditUsers], t => $"{Users}/{t.UserId}/edit"),
        new("users: edit", [ViewUsers, EditUsers], IsPost: true, async (client, t) =>
        {
            var user = (await t.App.FindUserAsync(t.UserId))!;
            return await client.PostAsync($"{Users}/{t.UserId}/edit",
                UserGroupPages.UserForm(user.Email!, firstName: "Renamed", concurrencyStamp: user.ConcurrencyStamp));
        }),
        Get("users: permissions page", [ViewUsers, EditUsers], t => $"{Users}/{t.UserId}/permissions"),
        new("users: save permissions", [ViewUsers, EditUsers], IsPost: true, (client, t) =>
            client.SaveUserPermissionsAsync(t.App, t.UserId, [])),
        Get("users: password page", [ViewUsers, EditUsers], t => $"{Users}/{t.UserId}/password"),
        Post("users: reset password", [ViewUsers, EditUsers], t => $"{Users}/{t.UserId}/password",
            _ => [new("Form.NewPassword", NewPassword), new("Form.ConfirmPassword", NewPassword)]),
        Get("groups: list", [ViewGroups], _ => Groups),
        Get("groups: create page", [ViewGroups, CreateGroups], _ => $"{Groups}/create"),
        Post("groups: create", [ViewGroups, CreateGroups], _ => $"{Groups}/create", _ => UserGroupPages.GroupForm($"New group {Guid.NewGuid():N}")),
        Get("groups: edit page", [ViewGroups, EditGroups], t => $"{Groups}/{t.GroupId}/edit"),
        new("groups: edit", [ViewGroups, EditGroups], IsPost: true, (client, t) =>
            client.EditGroupAsync(t.App, t.GroupId, $"Renamed {Guid.NewGuid():N}", "Changed")),
        Get("groups: members page", [ViewGroups, EditGroups], t => $"{Groups}/{t.GroupId}/members?find=Test"),
        // Members are users: changing them needs View Users too (the answer names the user).
        Post("groups: add member", [ViewUsers, ViewGroups, EditGroups], t => $"{Groups}/{t.GroupId}/members/add", t => [new("userId", t.OutsiderId)]),
        Post("groups: remove member", [ViewUsers, ViewGroups, EditGroups], t => $"{Groups}/{t.GroupId}/members/{t.MemberId}/remove", _ => []),
        Get("groups: permissions page", [ViewGroups, EditGroups], t => $"{Groups}/{t.GroupId}/permissions"),
        Post("groups: save permissions", [ViewGroups, EditGroups], t => $"{Groups}/{t.GroupId}/permissions", _ => []),
        Get("auth clients: list", [ViewAuthClients], _ => AuthClientPages.List),
        Post("users: delete", [ViewUsers, DeleteUsers], t => $"{Users}/{t.UserId}/delete", _ => []),
        Post("groups: delete", [ViewGroups, DeleteGroups], t => $"{Groups}/{t.GroupId}/delete", _ => []),
    ];

    public static UserGroupAction Named(string name) => All.Single(a => a.Name == name);

    private static UserGroupAction Get(string name, string[] requires, Func<ActionTargets, string> url) =>
        new(name, requires, IsPost: false, (client, t) => client.GetAsync(url(t)));

    private static UserGroupAction Post(string name, string[] requires, Func<ActionTargets, string> url, Func<ActionTargets, IEnumerable<KeyValuePair<string, string>>> fields) =>
        new(name, requires, IsPost: true, (client, t) => client.PostAsync(url(t), fields(t)));
}
