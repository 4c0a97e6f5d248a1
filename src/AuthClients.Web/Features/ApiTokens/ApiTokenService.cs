using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.ApiTokens;

public sealed class ApiTokenForm
{
    [Required(ErrorMessage = "The Name field is required.")]
    [StringLength(100, ErrorMessage = "The Name may not be greater than 100 characters.")]
    public string? Name { get; set; }

    [Display(Name = "Expires after")]
    [Range(1, 365, ErrorMessage = "Choose an expiry between 1 and 365 days.")]
    public int ExpiresInDays { get; set; } = 90;

    public static readonly IReadOnlyList<int> ExpiryChoices = [7, 30, 90, 365];
}

public sealed record ApiTokenListItem(string Id, string Name, string ClientId, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt);

/// <summary>A personal access token as the API sees it.</summary>
public sealed record ApiTokenOwner(string UserId, string ClientId, string TokenId, DateTime CreatedAt, DateTime ExpiresAt);

/// <summary>
/// Personal access tokens: long-lived bearer tokens a user creates for scripts. They act with
/// the user's permissions, through the auth client that enables them, and stop working when
/// they expire, are revoked, or their user or client is deleted or deactivated.
/// </summary>
public sealed class ApiTokenService(AppDbContext db, AuditService audit, TimeProvider clock)
{
    /// <summary>Every token starts with this, so the API can tell it from an OAuth access token without a lookup.</summary>
    public const string Prefix = "acpat_";
    private const string TargetType = AuditCatalogue.PersonalAccessTokenTarget;

    /// <summary>The client personal access tokens are issued through: the oldest with the grant enabled.</summary>
    public Task<string?> FindIssuingClientIdAsync(CancellationToken cancellationToken = default) =>
        IssuingClients()
            .OrderBy(a => a.Number)
            .Select(a => a.ClientId)
            .FirstOrDefaultAsync(cancellationToken);

    public Task<List<ApiTokenListItem>> ListAsync(string userId, CancellationToken cancellationToken = default) =>
        db.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenListItem(t.Id, t.Name, t.ClientId, t.CreatedAt, t.ExpiresAt, t.LastUsedAt))
            .ToListAsync(cancellationToken);

    /// <returns>The token text, which exists only in this return value; null when no client issues tokens.</returns>
    public async Task<string?> CreateAsync(string userId, ApiTokenForm form, CancellationToken cancellationToken = default)
    {
        var clientId = await FindIssuingClientIdAsync(cancellationToken);
        if (clientId is null)
        {
            return null;
        }

        var token = Prefix + ClientSecrets.Generate(); // the same 256 random bits as a client secret
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new PersonalAccessToken
        {
            UserId = userId,
            Name = form.Name!.Trim(),
            TokenHash = Hash(token),
            ClientId = clientId,
            CreatedAt = now,
            ExpiresAt = now.AddDays(form.ExpiresInDays),
        };
        db.PersonalAccessTokens.Add(entity);
        audit.Record(AuditCatalogue.PersonalAccessTokenCreated, TargetType, entity.Id, new Dictionary<string, FieldChange>
        {
            ["name"] = new(null, entity.Name),
            ["expires_at"] = new(null, entity.ExpiresAt),
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    public async Task<bool> RevokeAsync(string userId, string tokenId, CancellationToken cancellationToken = default)
    {
        var token = await db.PersonalAccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, cancellationToken);
        if (token is null)
        {
            return false;
        }

        db.PersonalAccessTokens.Remove(token);
        audit.Record(AuditCatalogue.PersonalAccessTokenRevoked, TargetType, token.Id, new Dictionary<string, FieldChange> { ["name"] = new(token.Name, null) });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Who a token acts for, if it may be used now: not expired or revoked, its client still exists,
    /// is enabled and still has "Enable Personal Access Tokens", and its user still exists and is active. The
    /// one rule for the API and for introspection.
    /// </summary>
    public async Task<ApiTokenOwner?> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        var issuingClients = IssuingClients();
        var owner = await db.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.ExpiresAt > now)
            .Where(t => issuingClients.Any(a => a.ClientId == t.ClientId))
            .Where(t => db.Users.Any(u => u.Id == t.UserId && u.IsActive))
            .Select(t => new ApiTokenOwner(t.UserId, t.ClientId, t.Id, t.CreatedAt, t.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);
        if (owner is not null)
        {
            // "Last used" to the minute is enough, and keeps the write off most requests.
            var staleBefore = now.AddMinutes(-1);
            await db.PersonalAccessTokens
                .Where(t => t.Id == owner.TokenId && (t.LastUsedAt == null || t.LastUsedAt < staleBefore))
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.LastUsedAt, now), cancellationToken);
        }

        return owner;
    }

    private IQueryable<AuthClientApplication> IssuingClients() =>
        db.AuthClients.AsNoTracking().Where(a => a.IsEnabled && a.Permissions != null && a.Permissions.Contains(GrantTypeChoices.PersonalAccessTokensPermission));

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
