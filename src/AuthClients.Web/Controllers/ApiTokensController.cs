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

    private const string CreatedTokenKey = "CreatedApiToken";

    [HttpGet("")]
    public async Task<IActionResult> Index()
    {
        // The token just created, shown on this one page view: TempData is read once and its
        // cookie is encrypted with Data Protection; the page is never cached.
        var created = TempData[CreatedTokenKey] as string;
        if (created is not null)
        {
            Response.Headers.CacheControl = "no-store";
        }

        return View(await BuildAsync(new ApiTokenForm(), created));
    }

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

        // POST-Redirect-GET, so reloading the page cannot create a second token.
        TempData[CreatedTokenKey] = token;
        return RedirectToAction(nameof(Index));
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
