using System.Net;
using System.Text;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Security;

/// <summary>
/// Every answer carries a real final status: the error page renders known 4xx and 5xx statuses
/// only, and a page POST whose form cannot be read gets 400 and the friendly error page (it once
/// answered with status 0, because the error page could not bind its argument from that request).
/// </summary>
public sealed class ErrorStatusTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("100")]
    [InlineData("101")]
    [InlineData("199")]
    [InlineData("200")]
    [InlineData("204")]
    [InlineData("302")]
    [InlineData("399")]
    [InlineData("600")]
    [InlineData("1000")]
    [InlineData("-1")]
    [InlineData("2147483647")]
    [InlineData("-2147483648")]
    public async Task ErrorPage_ForANumberThatIsNoErrorStatus_IsNotFound(string number)
    {
        var response = await app.CreateClient().GetAsync($"/error/{number}");

        await AssertErrorPageAsync(response, HttpStatusCode.NotFound, "Not found");
    }

    [Theory]
    [InlineData(400, "The request could not be understood")]
    [InlineData(404, "Not found")]
    [InlineData(405, "The request could not be handled")]
    [InlineData(429, "The request could not be handled")]
    [InlineData(500, "Something went wrong")]
    [InlineData(502, "Something went wrong")]
    [InlineData(503, "The service is briefly unavailable")]
    public async Task ErrorPage_ForAnErrorStatus_AnswersWithIt(int status, string title)
    {
        var response = await app.CreateClient().GetAsync($"/error/{status}");

        await AssertErrorPageAsync(response, (HttpStatusCode)status, title);
    }

    [Fact]
    public async Task ErrorPage_WithoutAFailure_IsNotFound()
    {
        var response = await app.CreateClient().GetAsync("/error");

        await AssertErrorPageAsync(response, HttpStatusCode.NotFound, "Not found");
    }

    [Theory]
    [InlineData("multipart/form-data", "Email=a")]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"Email\"\r\n\r\ncut short")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7", "Email=a")]
    [InlineData("application/x-www-form-urlencoded; charset=\"", "Email=a")]
    [InlineData("application/x-www-form-urlencoded", "Email=a%00b")]
    public async Task PagePost_WithAnUnreadableForm_Is400WithTheErrorPage(string contentType, string body)
    {
        var admin = await app.SignedInAsAdminAsync();
        foreach (var (browser, url) in new[] { (app.CreateBrowser(), "/account/login"), (admin, AuthClientPages.CreatePage), (admin, "/error/0") })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);

            var response = await browser.PostAsync(url, content);

            await AssertErrorPageAsync(response, HttpStatusCode.BadRequest, "The request could not be understood");
        }
    }

    private static async Task AssertErrorPageAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.ReadDocumentAsync();
        Assert.Equal(title, page.QuerySelector("h1")?.Text());
        HttpAssert.NoInternals(page.DocumentElement.OuterHtml);
    }
}
