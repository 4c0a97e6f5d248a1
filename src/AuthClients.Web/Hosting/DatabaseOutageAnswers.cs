using System.Globalization;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Hosting;

/// <summary>
/// A request that failed because the database cannot be reached (<see cref="DatabaseFaults.IsUnavailable"/>)
/// is answered 503 with <c>Retry-After</c>, in its endpoint's own format, instead of the 500 page:
/// <list type="bullet">
/// <item>the OAuth endpoints a client calls (token, introspection, revocation, userinfo) and discovery:
/// an OAuth error, <c>temporarily_unavailable</c>, as JSON;</item>
/// <item>the API: problem details;</item>
/// <item>pages, the authorization and sign-out endpoints too (a person is looking at them): the
/// error page, saying to try again in a moment.</item>
/// </list>
/// The exception is not logged per request: <see cref="DatabaseOutage"/> logs the outage once. Both
/// exception handlers (pages and API, <see cref="WebHosting.UseAppPipeline"/>) ask this one first.
/// </summary>
public sealed class DatabaseOutageAnswers(DatabaseOutage outage) : IExceptionHandler
{
    public const string ProtocolDescription = "The server cannot reach its database right now. Try again in a few seconds.";
    public const string ProblemTitle = "The service is briefly unavailable";

    private static readonly PathString[] BrowserProtocolPaths = [Routes.Authorize, Routes.EndSession];
    private static readonly PathString[] ProtocolRoots = ["/connect", "/.well-known"];

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseFaults.IsUnavailable(exception))
        {
            return false;
        }

        outage.GaveUp(exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        httpContext.Response.Headers.CacheControl = "no-store";
        // The pages' handler has already pointed the request at the error page: the feature keeps where it went.
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (new PathString(path).StartsWithSegments(ApiHosting.Root))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: ProblemTitle,
                detail: ProtocolDescription).ExecuteAsync(httpContext);
        }
        else if (IsClientProtocolRequest(path))
        {
            await httpContext.Response.WriteAsJsonAsync(
                new Dictionary<string, string> { [Parameters.Error] = Errors.TemporarilyUnavailable, [Parameters.ErrorDescription] = ProtocolDescription },
                cancellationToken);
        }
        else
        {
            await ErrorPageAsync(httpContext);
        }

        return true;
    }

    private static bool IsClientProtocolRequest(string path) =>
        ProtocolRoots.Any(root => new PathString(path).StartsWithSegments(root)) && !BrowserProtocolPaths.Any(browser => new PathString(path).StartsWithSegments(browser));

    /// <summary>
    /// The app's error page, rendered here rather than by re-running the request to <see cref="Routes.Error"/>:
    /// that would authenticate the session again, which needs the database.
    /// </summary>
    private static Task ErrorPageAsync(HttpContext context)
    {
        var page = new ViewResult
        {
            ViewName = "Error",
            StatusCode = StatusCodes.Status503ServiceUnavailable,
            ViewData = new ViewDataDictionary<ErrorViewModel>(new EmptyModelMetadataProvider(), new ModelStateDictionary())
            {
                Model = new ErrorViewModel(StatusCodes.Status503ServiceUnavailable, context.TraceIdentifier),
            },
        };
        return page.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}
