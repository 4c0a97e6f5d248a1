using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Controllers;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using static AuthClients.Tests.SecondFactor.SecondFactorPages;

namespace AuthClients.Tests.SecondFactor;

/// <summary>
/// Security:RequireSecondFactor, for each value and each kind of user: a user it covers who has no
/// passkey and no authenticator is sent to set one up right after signing in and can do nothing
/// else (pages redirect there, anything else is refused) until they have; everyone else is not
/// troubled. Programs (the password grant) are never asked.
/// </summary>
public sealed class SecondFactorPolicyTests
{
    public enum Kind { SuperAdmin, Writer, WriterThroughGroup, ViewOnly, NoPermissions }

    public static TheoryData<SecondFactorRequirement, Kind, bool> Cases()
    {
        var data = new TheoryData<SecondFactorRequirement, Kind, bool>();
        foreach (var requirement in Enum.GetValues<SecondFactorRequirement>())
        {
            foreach (var kind in Enum.GetValues<Kind>())
            {
                // Written out, not computed by the app's own rule.
                var covered = requirement switch
                {
                    SecondFactorRequirement.Everyone => true,
                    SecondFactorRequirement.SuperAdmins => kind == Kind.SuperAdmin,
                    SecondFactorRequirement.Writers => kind is Kind.SuperAdmin or Kind.Writer or Kind.WriterThroughGroup,
                    _ => false,
                };
                data.Add(requirement, kind, covered);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SignIn_WithoutASecondFactor_IsHeldAtSetUp_OnlyWhenThePolicyCoversTheUser(SecondFactorRequirement requirement, Kind kind, bool covered)
    {
        await using var app = App(requirement);
        var email = await CreateAsync(app, kind);
        var browser = await app.SignedInAsync(email);

        var dashboard = await browser.GetAsync("/admin");
        var post = await browser.PostFormAsync(SecurityTab, "/profile/password", [new("Form.CurrentPassword", AuthClientsAppFactory.UserPassword)]);

        if (covered)
        {
            Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
            Assert.Equal(SecurityTab, dashboard.Headers.Location?.OriginalString);
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Contains("must have a second factor", await browser.GetStringAsync(SecurityTab), StringComparison.Ordinal);

            // Set up, the way is open.
            await browser.SetUpAuthenticatorAsync();
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.DoesNotContain("must have a second factor", await browser.GetStringAsync(SecurityTab), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A passkey signs in on its own; the password step cannot ask for it, so it refuses a covered
    /// user whose only second factor is a passkey, even with the right password.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Password_OfAUserWhoseOnlySecondFactorIsAPasskey_IsRefused_OnlyWhenThePolicyCoversTheUser(SecondFactorRequirement requirement, Kind kind, bool covered)
    {
        await using var app = App(requirement);
        var email = await CreateAsync(app, kind);
        await app.AddStoredPasskeyAsync(email);
        var browser = app.CreateBrowser();

        var password = await browser.PasswordStepAsync(email);

        var admin = await browser.GetAsync("/admin");
        var audit = await app.AllAuditRecordsAsync(email);
        if (covered)
        {
            Assert.Equal(HttpStatusCode.OK, password.StatusCode);
            Assert.Contains(SecondFactorSignIn.PasskeyRequiredMessage, WebUtility.HtmlDecode(await password.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.False(StartsASession(password));
            Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
            Assert.Contains(Routes.SignIn, admin.Headers.Location?.OriginalString, StringComparison.Ordinal);
            Assert.Single(audit, r => r.Action == SecondFactorAudit.PasskeyRequired);
            Assert.DoesNotContain(audit, r => r.Action == SignInAudit.Succeeded);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
            Assert.True(StartsASession(password));
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            Assert.Single(audit, r => r.Action == SignInAudit.Succeeded);
            Assert.DoesNotContain(audit, r => r.Action == SecondFactorAudit.PasskeyRequired);
        }
    }

    /// <summary>A wrong password gets the one message for every failure, counts toward lockout, and a locked account stays locked.</summary>
    [Theory]
    [InlineData(SecondFactorRequirement.SuperAdmins)]
    [InlineData(SecondFactorRequirement.Writers)]
    [InlineData(SecondFactorRequirement.Everyone)]
    public async Task WrongPasswords_OfACoveredPasskeyOnlyUser_AreHandledAsBefore_AndLockTheAccount(SecondFactorRequirement requirement)
    {
        await using var app = App(requirement);
        var email = await CreateAsync(app, Kind.SuperAdmin);
        await app.AddStoredPasskeyAsync(email);

        for (var i = 0; i < IdentityHosting.MaxFailedSignIns; i++)
        {
            var wrong = await app.CreateBrowser().PasswordStepAsync(email, $"not-the-password-{i}");
            var html = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
            Assert.Contains(AccountController.FailedMessage, html, StringComparison.Ordinal);
            Assert.DoesNotContain(SecondFactorSignIn.PasskeyRequiredMessage, html, StringComparison.Ordinal);
            Assert.False(StartsASession(wrong));
        }

        // Locked: even the right password gets the one failure message, not the passkey hint.
        var right = await app.CreateBrowser().PasswordStepAsync(email);
        Assert.DoesNotContain(SecondFactorSignIn.PasskeyRequiredMessage, WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(StartsASession(right));
        var audit = await app.AllAuditRecordsAsync(email);
        Assert.Equal(IdentityHosting.MaxFailedSignIns + 1, audit.Count(r => r.Action == SignInAudit.Failed));
        Assert.Single(audit, r => r.Action == UserAudit.LockedOut);
        Assert.DoesNotContain(audit, r => r.Action == SecondFactorAudit.PasskeyRequired);
    }

    /// <summary>With an authenticator as well, the password step asks for its code, as for anyone who has one.</summary>
    [Fact]
    public async Task Password_OfACoveredUserWithAPasskeyAndAnAuthenticator_AsksForTheCode()
    {
        await using var app = App(SecondFactorRequirement.Everyone);
        var email = await CreateAsync(app, Kind.ViewOnly);
        var (key, _) = await (await app.SignedInAsync(email)).SetUpAuthenticatorAsync();
        await app.AddStoredPasskeyAsync(email);
        var browser = app.CreateBrowser();

        var password = await browser.PasswordStepAsync(email);
        Assert.Equal(TwoFactor, password.Headers.Location?.OriginalString);
        Assert.False(StartsASession(password));

        Assert.True(StartsASession(await browser.CodeStepAsync(CodeFor(key))));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Theory]
    [InlineData(SecondFactorRequirement.SuperAdmins)]
    [InlineData(SecondFactorRequirement.Everyone)]
    public async Task ACoveredUser_MaySignOut_WhileHeldAtSetUp(SecondFactorRequirement requirement)
    {
        await using var app = App(requirement);
        var browser = await app.SignedInAsAdminAsync();

        var logout = await browser.PostFormAsync(SecurityTab, "/account/logout", []);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.False(await browser.IsSignedInAsync());
    }

    [Fact]
    public async Task GainingAWritePermission_HoldsTheUserAtSetUp_OnTheNextRequest()
    {
        await using var app = App(SecondFactorRequirement.Writers);
        var email = await CreateAsync(app, Kind.ViewOnly);
        var browser = await app.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);

        await app.GrantUserPermissionAsync(email, Permissions.Users.EditKey);

        Assert.Equal(SecurityTab, (await browser.GetAsync("/admin")).Headers.Location?.OriginalString);
    }

    /// <summary>The password grant is for programs: it issues tokens to a covered user without a second factor, as before.</summary>
    [Fact]
    public async Task PasswordGrant_IsUnchanged_ForACoveredUserWithoutASecondFactor()
    {
        await using var app = App(SecondFactorRequirement.Everyone);
        var email = await CreateAsync(app, Kind.Writer);
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true);

        var token = await app.CreateClient().RequestPasswordTokenAsync(client, email, AuthClientsAppFactory.UserPassword);

        Assert.False(token.IsError, token.Error);
    }

    private static AuthClientsAppFactory App(SecondFactorRequirement requirement) =>
        new() { Settings = { ["Security:RequireSecondFactor"] = requirement.ToString() } };

    private static Task<string> CreateAsync(AuthClientsAppFactory app, Kind kind) => kind switch
    {
        Kind.SuperAdmin => app.CreateUserAsync(superAdmin: true),
        Kind.Writer => app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey, Permissions.AuthClients.EditKey]),
        Kind.WriterThroughGroup => app.CreateUserAsync(groupPermissions: [Permissions.Groups.ViewKey, Permissions.Groups.DeleteKey]),
        Kind.ViewOnly => app.CreateUserAsync(permissions: Permissions.All.Where(p => p.Key.StartsWith("view-", StringComparison.Ordinal)).Select(p => p.Key).ToArray()),
        _ => app.CreateUserAsync(),
    };
}
