using AuthClients.Web.Authorization;
using AuthClients.Web.Features.ApiTokens;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Controllers;

/// <summary>The profile's API Tokens tab: any signed-in user manages their own personal access tokens.</summary>
[Route("profile/api-tokens")]
public sealed class ApiTokensController(ApiTokenService tokens) : Controller
{
    public const string RevokedMessage = "The token was revoked. Programs using it can no longer call the API.";

    [HttpGet("")]
    public async Task<IActionResult> Index() => View(await BuildAsync(new ApiTokenForm(), createdToken: null));

    [HttpPost("")]
    public async Task<IActionResult> Create([Bind(Prefix = "Form")] ApiTokenForm form)
    {
        if (!ModelState.IsValid)
        {
            return View("Index", await BuildAsync(form, createdToken: null));
        }

        var token = await tokens.CreateAsync(User.GetUserId()!, form, HttpContext.RequestAborted);
        if (token is null)
        {
            ModelState.AddModelError("", ApiTokensViewModel.NoClientMessage);
            return View("Index", await BuildAsync(form, createdToken: null));
        }

        // Shown once, in this response only: no redirect, no TempData, never cached.
        Response.Headers.CacheControl = "no-store";
        return View("Index", await BuildAsync(new ApiTokenForm(), token));
    }

    [HttpPost("{id}/revoke")]
    public async Task<IActionResult> Revoke(string id)
    {
        var revoked = await tokens.RevokeAsync(User.GetUserId()!, id, HttpContext.RequestAborted);
        TempData.SetStatus(revoked ? RevokedMessage : "This token no longer exists.", revoked ? StatusKind.Success : StatusKind.Warning);
        return RedirectToAction(nameof(Index));
    }

    private async Task<ApiTokensViewModel> BuildAsync(ApiTokenForm form, string? createdToken) => new(
        form,
        await tokens.ListAsync(User.GetUserId()!, HttpContext.RequestAborted),
        await tokens.FindIssuingClientIdAsync(HttpContext.RequestAborted) is not null,
        createdToken);
}

public sealed record ApiTokensViewModel(ApiTokenForm Form, IReadOnlyList<ApiTokenListItem> Tokens, bool CanIssue, string? CreatedToken)
{
    public const string NoClientMessage =
        "Personal access tokens are not available: no auth client has \"Enable Personal Access Tokens\". Ask an administrator to enable it on one.";
}
