using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientForms;

namespace AuthClients.Tests.AuthClients;

/// <summary>Markup typed as a client's name or a search term is shown as text, never run.</summary>
public sealed class AuthClientMarkupTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task ScriptAsName_IsShownAsTextOnTheListAndTheEditForm()
    {
        const string script = "<script>alert(1)</script>";
        var browser = await app.SignedInAsAdminAsync();

        var id = await browser.CreateClientAsync(script);

        var listHtml = await browser.GetStringAsync(AuthClientPages.List);
        var list = HtmlDocuments.Parse(listHtml);
        Assert.DoesNotContain(script, listHtml, StringComparison.Ordinal);
        Assert.Contains(list.Rows(), r => r.Name == script);
        Assert.DoesNotContain(list.Scripts, s => s.Text.Contains("alert(1)", StringComparison.Ordinal));

        var editHtml = await browser.GetStringAsync(AuthClientPages.EditPage(id));
        var edit = HtmlDocuments.Parse(editHtml);
        Assert.DoesNotContain(script, editHtml, StringComparison.Ordinal);
        Assert.Equal(script, edit.FieldValue(Name));
        Assert.Contains(script, edit.GetElementById("rotate-dialog")!.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(edit.Scripts, s => s.Text.Contains("alert(1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_ForAScript_ShowsTheTermAsText()
    {
        const string script = "<script>alert(2)</script>";
        var browser = await app.SignedInAsAdminAsync();

        var html = await browser.GetStringAsync($"{AuthClientPages.List}?search={Uri.EscapeDataString(script)}");

        var page = HtmlDocuments.Parse(html);
        Assert.DoesNotContain(script, html, StringComparison.Ordinal);
        Assert.Equal($"No auth clients match \"{script}\".", page.EmptyTableMessage());
        Assert.DoesNotContain(page.Scripts, s => s.Text.Contains("alert(2)", StringComparison.Ordinal));
    }
}
