using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupActions;

namespace AuthClients.Tests.Authorization;

/// <summary>
/// The authorization trio for every action of the Users and Groups pages: anonymous, signed in
/// without the right, with exactly the right.
/// </summary>
public sealed class UserGroupAccessTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private static readonly string[] Everything =
    [
        "view-auth_clients", "create-auth_clients", "edit-auth_clients", "delete-auth_clients",
        ViewUsers, CreateUsers, EditUsers, DeleteUsers,
        ViewGroups, CreateGroups, EditGroups, DeleteGroups,
    ];

    /// <summary>Every "users: …" and "groups: …" action of <see cref="UserGroupActions.All"/>.</summary>
    public static TheoryData<string> Actions()
    {
        var data = new TheoryData<string>();
        foreach (var action in All.Where(a => a.Name.StartsWith("users:", StringComparison.Ordinal) || a.Name.StartsWith("groups:", StringComparison.Ordinal)))
        {
            data.Add(action.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task Anonymous_IsSentToSignIn(string action)
    {
        var (subject, targets) = (Named(action), await ActionTargets.CreateAsync(app));

        subject.AssertSentToSignIn(await subject.Send(app.CreateBrowser(), targets));
    }

    /// <summary>Every permission of the catalogue except the one the action is about: still 403.</summary>
    [Theory]
    [MemberData(nameof(Actions))]
    public async Task SignedInWithoutTheRight_GetsForbidden(string action)
    {
        var subject = Named(action);
        var missing = subject.Requires[^1];
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: Everything.Where(p => p != missing).ToArray()));
        var targets = await ActionTargets.CreateAsync(app);

        subject.AssertForbidden(await subject.Send(browser, targets));
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task SignedInWithTheRight_IsAllowed(string action)
    {
        var subject = Named(action);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: subject.Requires));
        var targets = await ActionTargets.CreateAsync(app);

        subject.AssertAllowed(await subject.Send(browser, targets));
    }
}
