using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

public sealed record UserListItem(string Id, string Name, string Email, bool IsSuperAdmin, bool IsActive);

public sealed record UserPage(IReadOnlyList<UserListItem> Items, int Total, int Page, int PageSize)
{
    public int TotalPages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>The read-only Users list (managing users comes with the Users and Groups pages).</summary>
public sealed class UserListService(AppDbContext db)
{
    public const int PageSize = 25;

    public async Task<UserPage> ListAsync(int page, CancellationToken cancellationToken = default)
    {
        var total = await db.Users.CountAsync(cancellationToken);
        page = Math.Clamp(page, 1, Math.Max(1, (total + PageSize - 1) / PageSize));
        var items = await db.Users.AsNoTracking()
            .OrderBy(u => u.LastName).ThenBy(u => u.FirstName).ThenBy(u => u.Email)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Select(u => new UserListItem(u.Id, (u.FirstName + " " + u.LastName).Trim(), u.Email ?? "", u.IsSuperAdmin, u.IsActive))
            .ToListAsync(cancellationToken);
        return new UserPage(items, total, page, PageSize);
    }
}
