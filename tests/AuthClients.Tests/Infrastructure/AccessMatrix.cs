namespace AuthClients.Tests.Infrastructure;

/// <summary>Runs every Users and Groups action as one person and checks each is allowed or refused as expected.</summary>
public static class AccessMatrix
{
    /// <summary>
    /// The permissions the Permissions tab gives when one box is ticked: Create brings Edit and
    /// View, Edit and Delete bring View. Written out, not computed by the application's code.
    /// </summary>
    public static string[] WithImplied(string permission)
    {
        var dash = permission.IndexOf('-', StringComparison.Ordinal);
        var (action, category) = (permission[..dash], permission[(dash + 1)..]);
        return action switch
        {
            "create" => [permission, $"edit-{category}", $"view-{category}"],
            "edit" or "delete" => [permission, $"view-{category}"],
            _ => [permission],
        };
    }

    public static TheoryData<string, bool, bool> Cases(params string[] permissions)
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var permission in permissions)
        {
            foreach (var throughGroup in new[] { false, true })
            {
                foreach (var withImplied in new[] { false, true })
                {
                    if (!withImplied || WithImplied(permission).Length > 1)
                    {
                        data.Add(permission, throughGroup, withImplied);
                    }
                }
            }
        }

        return data;
    }

    /// <summary>Signs in as a new user holding <paramref name="held"/> (directly or only through a group) and tries every action.</summary>
    public static async Task RunAsync(AuthClientsAppFactory app, string[] held, bool throughGroup)
    {
        var email = throughGroup
            ? await app.CreateUserAsync(groupPermissions: held)
            : await app.CreateUserAsync(permissions: held);
        var browser = await app.SignedInAsync(email);
        var targets = await ActionTargets.CreateAsync(app);
        var heldSet = held.ToHashSet(StringComparer.Ordinal);

        foreach (var action in UserGroupActions.All)
        {
            var response = await action.Send(browser, targets);
            if (action.AllowedFor(heldSet))
            {
                action.AssertAllowed(response);
            }
            else
            {
                action.AssertForbidden(response);
            }
        }
    }
}
