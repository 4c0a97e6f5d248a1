using System.Text.RegularExpressions;

namespace AuthClients.Web.Hosting;

/// <summary>
/// Response headers every page gets. The CSP allows scripts and styles from this origin only:
/// no inline script, no inline style attributes, no framing.
/// </summary>
/// <remarks>
/// Browsers apply <c>form-action</c> to every redirect that follows a form post, so a page whose
/// form ends at a client (consent, a sign-in that continues an authorization request, logout
/// back to the client) names that client's origin: see <see cref="FormRedirects.AllowFormRedirectTo"/>.
/// Only an origin the protocol has validated for the client is ever added.
/// </remarks>
internal static class SecurityHeaders
{
    private const string FormAction = "form-action 'self'";

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        $"connect-src 'self'; {FormAction}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    // Swagger UI's bundle inserts one <style> element; its hash (Swashbuckle.AspNetCore.SwaggerUI
    // 11.0.1) is allowed on the documentation pages only, instead of 'unsafe-inline'. A browser
    // test fails if an upgrade changes it.
    private const string ApiDocumentationPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; " +
        $"img-src 'self' data:; font-src 'self'; connect-src 'self'; {FormAction}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    // OpenIddict answers response_mode=form_post with a page that posts the code to the client
    // from one inline script, "document.form.submit();" (OpenIddict.Server.AspNetCore 7.8). Its
    // hash is allowed on the authorization endpoint only; a browser test fails if an upgrade changes it.
    private const string FormPostScript = "'sha256-j7OoGArf6XW6YY4cAyS3riSSvrJRqpSi1fOF9vQ5SrI='";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = PolicyFor(context);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                return Task.CompletedTask;
            });
            await next(context);
        });

    private static string PolicyFor(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/" + ApiHosting.DocumentationPath))
        {
            return ApiDocumentationPolicy;
        }

        if (context.Features.Get<FormRedirects>() is not { Origins.Count: > 0 } redirects)
        {
            return ContentSecurityPolicy;
        }

        var policy = ContentSecurityPolicy.Replace(FormAction, $"{FormAction} {string.Join(' ', redirects.Origins)}", StringComparison.Ordinal);
        return context.Request.Path.StartsWithSegments(Routes.Authorize)
            ? policy.Replace("script-src 'self'", $"script-src 'self' {FormPostScript}", StringComparison.Ordinal)
            : policy;
    }
}

/// <summary>The other origins the forms of this response may end at (after redirects). Empty for almost every page.</summary>
public sealed partial class FormRedirects
{
    private readonly SortedSet<string> _origins = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Origins => _origins;

    /// <summary>
    /// Lets this response's forms end at <paramref name="uri"/>'s origin. Call it only with an address
    /// the OAuth server validated for the client (a registered redirect or post-logout redirect URI).
    /// Anything that is not a plain http(s) origin is ignored, so nothing can widen the policy further.
    /// </summary>
    public static void AllowFormRedirectTo(HttpContext context, string? uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            return;
        }

        // CSP has no syntax for an IP-literal (IPv6) host, so such a redirect is refused at registration.
        var origin = $"{parsed.Scheme}://{parsed.IdnHost}{(parsed.IsDefaultPort ? "" : $":{parsed.Port}")}";
        if (SourceExpression().IsMatch(origin))
        {
            var redirects = context.Features.Get<FormRedirects>();
            if (redirects is null)
            {
                redirects = new FormRedirects();
                context.Features.Set(redirects);
            }

            redirects._origins.Add(origin);
        }
    }

    // A CSP host-source with scheme and port: nothing that could end the directive or add another.
    [GeneratedRegex(@"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")]
    private static partial Regex SourceExpression();
}
