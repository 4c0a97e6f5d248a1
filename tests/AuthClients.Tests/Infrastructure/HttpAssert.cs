using System.Net;
using AuthClients.Web.Hosting;

namespace AuthClients.Tests.Infrastructure;

/// <summary>Checks on responses that many tests share.</summary>
public static class HttpAssert
{
    private static readonly Uri Site = new("http://localhost");

    /// <summary>The redirect target as a path and query, whether the app sent it absolute or relative.</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther,
            $"Expected a redirect, got {(int)response.StatusCode} {response.StatusCode}.");
        var location = response.Headers.Location;
        Assert.NotNull(location);
        return new Uri(Site, location).PathAndQuery;
    }

    /// <summary>A redirect to the sign-in page.</summary>
    public static void RedirectsToSignIn(HttpResponseMessage response) =>
        Assert.StartsWith(Routes.SignIn, RedirectTarget(response), StringComparison.OrdinalIgnoreCase);

    /// <summary>The friendly 403 page: says what happened, shows no internals.</summary>
    public static async Task IsForbiddenPageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("You do not have permission to do this", html, StringComparison.Ordinal);
        NoInternals(html);
    }

    /// <summary>No stack trace, exception type or source path in what the user sees.</summary>
    public static void NoInternals(string body)
    {
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
        Assert.DoesNotContain("AuthClients.Web.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.", body, StringComparison.Ordinal);
    }

    /// <summary>Every <c>Set-Cookie</c> header of the response.</summary>
    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
}
