using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Users;

/// <summary>The authorization trio for every action of the Users pages.</summary>
public sealed class UserAuthorizationTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    public static TheoryData<string> Actions()
    {
        var data = new TheoryData<string>();
        foreach (var action in UserGroupActions.All.Where(a => a.Name.StartsWith("users:", StringComparison.Ordinal)))
        {
            data.Add(action.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public Task Anonymous_IsSentToSignIn(string action) => AuthorizationTrio.AnonymousIsSentToSignInAsync(app, action);

    [Theory]
    [MemberData(nameof(Actions))]
    public Task SignedInWithoutTheRight_GetsForbidden(string action) => AuthorizationTrio.WithoutTheRightIsForbiddenAsync(app, action);

    [Theory]
    [MemberData(nameof(Actions))]
    public Task SignedInWithTheRight_IsAllowed(string action) => AuthorizationTrio.WithTheRightIsAllowedAsync(app, action);
}
