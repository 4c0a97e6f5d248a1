using System.Text;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>
/// The Audit Log as a CSV download, written to the response as the database returns the rows:
/// constant memory whatever the size (a few hundred rows are buffered between flushes).
/// </summary>
public sealed class AuditCsvResult(AuditLogQueries auditLog, AuditLogCriteria criteria, bool descending, string fileName) : IActionResult
{
    private const int RowsPerFlush = 500;
    private static readonly UTF8Encoding Utf8WithoutMark = new(encoderShouldEmitUTF8Identifier: false);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var cancellationToken = context.HttpContext.RequestAborted;
        context.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();

        await auditLog.StreamAsync(criteria, descending, (records, ct) => WriteAsync(response.Body, records, ct), cancellationToken);
    }

    private static async Task WriteAsync(Stream body, IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, Utf8WithoutMark, bufferSize: 16 * 1024, leaveOpen: true);
        var line = new StringBuilder();
        AuditCsv.AppendLine(line, AuditCsv.Header);
        var rows = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            AuditCsv.AppendLine(line, AuditCsv.Fields(record));
            if (++rows % RowsPerFlush == 0)
            {
                await writer.WriteAsync(line, cancellationToken);
                await writer.FlushAsync(cancellationToken);
                line.Clear();
            }
        }

        await writer.WriteAsync(line, cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }
}
