using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Groups;

/// <summary>The Groups table on its own database, where no group exists yet.</summary>
public sealed class GroupEmptyListTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_WithNoGroups_SaysNoDataAvailable()
    {
        var admin = await app.SignedInAsAdminAsync();

        var html = await admin.GetStringAsync(UserGroupPages.Groups);

        Assert.Contains("No Data Available", html, StringComparison.Ordinal);
        Assert.Contains("Showing 0-0 of 0", html, StringComparison.Ordinal);
    }
}
