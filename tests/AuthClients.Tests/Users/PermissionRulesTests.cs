using AuthClients.Web.Features.Access;

namespace AuthClients.Tests.Users;

/// <summary>The rules between the checkboxes, and what someone who is not a Super Admin may change.</summary>
public sealed class PermissionRulesTests
{
    private static readonly Actor SuperAdmin = new("admin", IsSuperAdmin: true, new HashSet<string>());

    [Theory]
    [InlineData("", "create-users", "create-users edit-users view-users")]
    [InlineData("", "edit-groups", "edit-groups view-groups")]
    [InlineData("", "delete-auth_clients", "delete-auth_clients view-auth_clients")]
    [InlineData("view-users edit-users", "edit-users", "")]
    [InlineData("view-users edit-users create-users", "view-users create-users", "view-users")]
    [InlineData("view-users delete-users", "delete-users create-users", "")]
    [InlineData("view-users", "view-users view-groups", "view-groups view-users")]
    [InlineData("view-users", "made-up view-users VIEW-GROUPS", "view-users")]
    public void Apply_FollowsCreateEditViewRules(string before, string posted, string expected)
    {
        var after = PermissionRules.Apply(Set(before), Split(posted));

        Assert.Equal(Split(expected).Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_ForSomeoneWhoIsNotSuperAdmin_KeepsPermissionsTheyDoNotHold()
    {
        var actor = new Actor("a", IsSuperAdmin: false, Set("view-users edit-users view-groups"));

        var plan = PermissionRules.Plan(actor, Split("view-groups view-auth_clients"), Split("view-users"));

        Assert.Null(plan.Refusal);
        Assert.Null(plan.Error);
        Assert.Equal(Split("view-auth_clients view-users"), plan.After.Order(StringComparer.Ordinal));
        Assert.Equal(["view-users"], plan.Added);
        Assert.Equal(["view-groups"], plan.Removed);
    }

    [Fact]
    public void Plan_ForSomeoneWhoIsNotSuperAdmin_RefusesGrantingWhatTheyLack()
    {
        var actor = new Actor("a", IsSuperAdmin: false, Set("view-users edit-users"));

        var plan = PermissionRules.Plan(actor, [], Split("view-users delete-users"));

        Assert.NotNull(plan.Refusal);
        Assert.False(plan.Changes);
    }

    [Fact]
    public void Plan_ForASuperAdmin_GrantsAnything_AndIgnoresUnknownStoredKeys()
    {
        var plan = PermissionRules.Plan(SuperAdmin, Split("retired-permission view-users"), Split("view-users create-auth_clients"));

        Assert.Null(plan.Refusal);
        Assert.Equal(Split("create-auth_clients edit-auth_clients view-auth_clients view-users"), plan.After.Order(StringComparer.Ordinal));
    }

    private static string[] Split(string keys) => keys.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static HashSet<string> Set(string keys) => Split(keys).ToHashSet(StringComparer.Ordinal);
}
