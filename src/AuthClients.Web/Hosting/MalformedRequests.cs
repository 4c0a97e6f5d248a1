using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace AuthClients.Web.Hosting;

/// <summary>
/// Reads every form before anything else does, so that a body nobody can read (multipart without
/// a boundary or cut short, too many fields, a key or value over the limits, a percent-encoded NUL,
/// a refused charset, a Content-Type that does not parse, a body over the server's size limit) is
/// answered as the caller's mistake, never as a 500 from whichever component happens to read the
/// form first (OpenIddict, anti-forgery, model binding).
/// <list type="bullet">
/// <item>Pages answer 400 (the friendly error page) and the API 400 problem details.</item>
/// <item>The OAuth endpoints let OpenIddict refuse the request as <c>invalid_request</c>
/// (<see cref="Connect.ProtocolRequestGuard"/>), so the answer has the endpoint's own error format
/// and counts toward the throttle like any other protocol error.</item>
/// </list>
/// Afterwards the request carries an empty form, so nothing later (the error page re-executed for
/// the same request included) reads the broken body again.
/// </summary>
public static partial class MalformedRequests
{
    private const string TooLarge = "The request body is too large.";

    private static readonly string[] ProtocolPrefixes = ["/connect", "/.well-known"];

    /// <summary>
    /// OAuth parameters are short (a JWT of a few kilobytes at most), so the protocol endpoints read
    /// far less than pages may: a value near the usual 4 MB limit costs the form reader much time.
    /// </summary>
    private const int ProtocolBodyLimit = 1024 * 1024;

    private static readonly FormOptions ProtocolFormLimits = new()
    {
        ValueLengthLimit = 64 * 1024,
        MultipartBodyLengthLimit = ProtocolBodyLimit,
    };

    /// <summary>Why the request's body or path could not be read, or null when it could.</summary>
    public static string? ProblemOf(HttpContext context) => context.Features.Get<Unreadable>()?.Reason;

    public static IApplicationBuilder UseMalformedRequestGuard(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MalformedRequests));
        return app.Use(async (context, next) =>
        {
            // Already refused: this is the error page, re-executed for the same request.
            if (ProblemOf(context) is not null)
            {
                await next(context);
                return;
            }

            var isProtocol = ProtocolPrefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
            if (isProtocol)
            {
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
                {
                    bodySize.MaxRequestBodySize = ProtocolBodyLimit;
                }

                context.Features.Set<IFormFeature>(new FormFeature(context.Request, ProtocolFormLimits));
            }

            // Kestrel refuses a NUL in the path itself; other hosts (and the test server) pass it on.
            var problem = context.Request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true
                ? "The path contains a NUL character."
                : await ReadFormAsync(context);
            if (problem is null)
            {
                await next(context);
                return;
            }

            LogRefused(logger, problem);
            context.Features.Set<IFormFeature>(new FormFeature(FormCollection.Empty));
            context.Features.Set(new Unreadable(problem));
            if (isProtocol)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = problem == TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        });
    }

    private static async Task<string?> ReadFormAsync(HttpContext context)
    {
        // A form type with a broken parameter (charset=") is no form to ASP.NET Core, but OpenIddict
        // sees the prefix and reads the form anyway, which then throws.
        if (context.Request.ContentType is { } contentType && !MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            return "The Content-Type header cannot be read.";
        }

        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        // An unknown charset would be read as UTF-8 without a word: what was sent is not what is read.
        if (MediaTypeHeaderValue.Parse(context.Request.ContentType).Charset is { Length: > 0 } charset && !IsKnownCharset(charset.Value!.Trim('"')))
        {
            return $"The charset '{charset}' is not one this server reads: send UTF-8.";
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge;
        }
        catch (Exception unreadable) when (unreadable is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            // Broken multipart or escapes, limits passed, a body cut short; NotSupported is a charset
            // that .NET knows but refuses (UTF-7).
            return "The form could not be read: " + unreadable.Message;
        }

        // A multipart part is not percent-decoded, so a NUL gets past the check above. No database
        // text column can hold one (PostgreSQL refuses it), and no field here needs one.
        return form.Any(field => field.Key.Contains('\0', StringComparison.Ordinal) || field.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            ? "A form field contains a NUL character."
            : null;
    }

    private static bool IsKnownCharset(string name)
    {
        try
        {
            _ = System.Text.Encoding.GetEncoding(name);
            return true;
        }
        catch (Exception unknown) when (unknown is ArgumentException or NotSupportedException)
        {
            return false; // NotSupported: UTF-7, which .NET knows but refuses
        }
    }

    private sealed record Unreadable(string Reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a malformed request: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);
}
