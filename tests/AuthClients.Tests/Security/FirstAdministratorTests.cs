using System.Net;
using System.Text.RegularExpressions;
using AuthClients.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AuthClients.Tests.Security;

/// <summary>
/// A fresh deployment has no default password: the first administrator's comes from
/// configuration, or is generated and logged once.
/// </summary>
public sealed partial class FirstAdministratorTests
{
    [Fact]
    public async Task FreshDeployment_WithoutBootstrapPassword_LogsAGeneratedPasswordOnceAndItSignsIn()
    {
        using var app = new AuthClientsAppFactory { BootstrapPassword = null };
        var browser = app.CreateBrowser();

        var password = GeneratedPassword(app);

        var line = Assert.Single(app.LogEntries, e => e.Message.Contains(password, StringComparison.Ordinal));
        Assert.Contains(AuthClientsAppFactory.AdminEmail, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line.Message);
        // Visible with the log levels the app ships with (Information and above).
        Assert.True(line.Level >= LogLevel.Information, $"Logged at {line.Level}.");
        Assert.True(password.Length >= 12, $"A {password.Length}-character password.");
        await browser.SignInAsAsync(AuthClientsAppFactory.AdminEmail, password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(AuthClientPages.List)).StatusCode);
    }

    [Fact]
    public void FreshDeployments_WithoutBootstrapPassword_GenerateDifferentPasswords()
    {
        using var first = new AuthClientsAppFactory { BootstrapPassword = null };
        using var second = new AuthClientsAppFactory { BootstrapPassword = null };
        first.CreateClient();
        second.CreateClient();

        Assert.NotEqual(GeneratedPassword(first), GeneratedPassword(second));
    }

    [Fact]
    public async Task FreshDeployment_WithBootstrapPassword_UsesItAndNeverLogsIt()
    {
        using var app = new AuthClientsAppFactory();
        var browser = await app.SignedInAsAdminAsync();

        Assert.Contains(app.LogEntries, e => e.Message.Contains("First administrator created", StringComparison.Ordinal)
            && e.Message.Contains(AuthClientsAppFactory.AdminEmail, StringComparison.Ordinal));
        Assert.DoesNotContain(app.LogLines, l => l.Contains(AuthClientsAppFactory.AdminPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FreshDeployment_WithoutBootstrapPassword_HasNoFixedPasswordForTheAdministrator()
    {
        using var app = new AuthClientsAppFactory { BootstrapPassword = null };
        var browser = app.CreateBrowser();

        foreach (var guess in new[] { "admin", "password", "admin123", "changeme", AuthClientsAppFactory.AdminPassword })
        {
            var response = await browser.SignInAsync(AuthClientsAppFactory.AdminEmail, guess);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        HttpAssert.RedirectsToSignIn(await browser.GetAsync(AuthClientPages.List));
    }

    /// <summary>The password in the app's one log line about the first administrator.</summary>
    private static string GeneratedPassword(AuthClientsAppFactory app)
    {
        var line = Assert.Single(app.LogEntries, e =>
            e.Category.EndsWith("BootstrapAdministrator", StringComparison.Ordinal) &&
            e.Message.Contains(AuthClientsAppFactory.AdminEmail, StringComparison.Ordinal));
        var match = PasswordInLine().Match(line.Message);
        Assert.True(match.Success, $"No password in \"{line.Message}\".");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"password (\S{8,})")]
    private static partial Regex PasswordInLine();
}
