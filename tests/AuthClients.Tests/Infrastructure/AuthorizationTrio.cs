namespace AuthClients.Tests.Infrastructure;

/// <summary>The authorization trio for one action: anonymous, signed in without the right, with exactly the right.</summary>
public static class AuthorizationTrio
{
    private static readonly string[] Everything =
    [
        "view-auth_clients", "create-auth_clients", "edit-auth_clients", "delete-auth_clients",
        UserGroupActions.ViewUsers, UserGroupActions.CreateUsers, UserGroupActions.EditUsers, UserGroupActions.DeleteUsers,
        UserGroupActions.ViewGroups, UserGroupActions.CreateGroups, UserGroupActions.EditGroups, UserGroupActions.DeleteGroups,
    ];

    public static async Task AnonymousIsSentToSignInAsync(AuthClientsAppFactory app, string actionName)
    {
        var action = UserGroupActions.Named(actionName);
        var targets = await ActionTargets.CreateAsync(app);

        action.AssertSentToSignIn(await action.Send(app.CreateBrowser(), targets));
    }

    /// <summary>Every permission of the catalogue except the one the action is about: still 403.</summary>
    public static async Task WithoutTheRightIsForbiddenAsync(AuthClientsAppFactory app, string actionName)
    {
        var action = UserGroupActions.Named(actionName);
        var missing = action.Requires[^1];
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: Everything.Where(p => p != missing).ToArray()));
        var targets = await ActionTargets.CreateAsync(app);

        action.AssertForbidden(await action.Send(browser, targets));
    }

    public static async Task WithTheRightIsAllowedAsync(AuthClientsAppFactory app, string actionName)
    {
        var action = UserGroupActions.Named(actionName);
        var browser = await app.SignedInAsync(await app.CreateUserAsync(permissions: action.Requires));
        var targets = await ActionTargets.CreateAsync(app);

        action.AssertAllowed(await action.Send(browser, targets));
    }
}
