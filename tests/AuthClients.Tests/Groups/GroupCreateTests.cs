using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Infrastructure.UserGroupPages;

namespace AuthClients.Tests.Groups;

/// <summary>Admin > Groups > Create: a new group opens, and the name is required, short enough and unique.</summary>
public sealed partial class GroupCreateTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string CreatePage = $"{UserGroupPages.Groups}/create";

    [Fact]
    public async Task Create_WithAName_CreatesTheGroup_AndOpensIt()
    {
        var admin = await app.SignedInAsAdminAsync();
        var name = $"Auditors {Guid.NewGuid():N}";

        var response = await admin.PostAsync(CreatePage, GroupForm(name, "People who read the audit trail"));

        Assert.Equal("The group was created.", await admin.FollowStatusAsync(response));
        var id = GroupId().Match(response.Headers.Location!.OriginalString).Groups[1].Value;
        var group = (await app.FindGroupAsync(id))!;
        Assert.Equal((name, "People who read the audit trail"), (group.Name, group.Description));
        Assert.Equal("group.created", (await app.AuditRecordsAsync(id)).Single().Action);
    }

    [Fact]
    public async Task Create_WithoutAName_SaysItIsRequired()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync(CreatePage, GroupForm("   ", "kept description"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("The Name field is required.", FieldError(html, "Form.Name"));
        Assert.Contains("kept description", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithATooLongName_SaysSo()
    {
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.PostAsync(CreatePage, GroupForm(new string('g', 256)));

        Assert.Equal("The Name may not be greater than 255 characters.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Name"));
    }

    [Fact]
    public async Task Create_WithANameTakenInAnotherCase_SaysNameMustBeUnique()
    {
        var admin = await app.SignedInAsAdminAsync();
        var name = $"Unique {Guid.NewGuid():N}";
        await app.CreateGroupAsync(name: name);

        var response = await admin.PostAsync(CreatePage, GroupForm($"  {name.ToUpperInvariant()} "));

        Assert.Equal("A group with this name already exists. Name must be unique.", FieldError(await response.Content.ReadAsStringAsync(), "Form.Name"));
    }

    [GeneratedRegex("/admin/groups/([0-9a-f-]{36})/edit")]
    private static partial Regex GroupId();
}
