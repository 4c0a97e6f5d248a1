using AuthClients.Web.Areas.Admin.Models;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Lists;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Controllers;

/// <summary>Admin > Audit Log: every audited event, filtered, and its CSV export with the same filters.</summary>
[Area("Admin")]
[Route("admin/audit-log")]
[Authorize(Policy = Permissions.Audit.ViewKey)]
public sealed class AuditLogController(AuditLogQueries auditLog, TimeProvider clock) : Controller
{
    // [FromQuery]: "action" is also MVC's own route value (the action's name), which would win otherwise.
    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] AuditLogFilter filter, string? sort, string? dir, int page = 1, int perPage = ListQuery.DefaultPageSize)
    {
        var query = new ListQuery(AuditLogSort.Columns, null, sort, dir, page, perPage);
        var criteria = await auditLog.CheckAsync(filter, HttpContext.RequestAborted);
        return View(new AuditLogViewModel(filter, criteria, query, await auditLog.ListAsync(criteria, query, HttpContext.RequestAborted)));
    }

    [HttpGet("export")]
    public async Task<IActionResult> Export([FromQuery] AuditLogFilter filter, string? sort, string? dir)
    {
        var criteria = await auditLog.CheckAsync(filter, HttpContext.RequestAborted);
        if (!criteria.IsValid)
        {
            return BadRequest(string.Join(" ", criteria.Errors.Values));
        }

        var descending = new ListQuery(AuditLogSort.Columns, null, sort, dir).SortsDescending;
        return new AuditCsvResult(auditLog, criteria, descending, AuditCsv.FileName(clock.GetUtcNow()));
    }
}
