using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

/// <summary>The Users list: search, sort and paging all happen in the database.</summary>
public sealed class UserListService(AppDbContext db, ChangeGuard guard)
{
    public async Task<ListPage<UserListItem>> ListAsync(ListQuery query, Actor viewer, CancellationToken cancellationToken = default)
    {
        var rows = await db.Users.AsNoTracking().Matching(query.Term).ToPageAsync(
            query.Page,
            query.SafePageSize,
            users => Sorted(users, query),
            u => new { u.Id, u.FirstName, u.LastName, u.Email, u.IsSuperAdmin, u.IsActive, u.CreatedAt },
            cancellationToken);

        var changeable = await guard.ChangeableUsersAsync(rows.Items.Select(r => (r.Id, r.IsSuperAdmin)).ToList(), viewer, cancellationToken);
        return rows.Select(r => new UserListItem(
            r.Id, $"{r.FirstName} {r.LastName}".Trim(), r.Email ?? "", r.IsSuperAdmin, r.IsActive, r.CreatedAt,
            IsSelf: r.Id == viewer.Id,
            CanManage: changeable.Contains(r.Id)));
    }

    // The name sorts as it is shown ("First Last"), ignoring case.
#pragma warning disable CA1304, CA1311 // ToUpper() here is translated to SQL UPPER(), not run in .NET.
    private static IQueryable<AppUser> Sorted(IQueryable<AppUser> users, ListQuery query) =>
        query.SortKey switch
        {
            UserSort.Email => users.OrderBy(u => u.NormalizedEmail, query.SortsDescending).ThenBy(u => u.Id),
            // Active first when ascending.
            UserSort.Status => users.OrderBy(u => u.IsActive, !query.SortsDescending).ThenBy(u => u.NormalizedEmail),
            UserSort.Created => users.OrderBy(u => u.CreatedAt, query.SortsDescending).ThenBy(u => u.Id),
            _ => users.OrderBy(u => u.FirstName.ToUpper(), query.SortsDescending).ThenBy(u => u.LastName.ToUpper(), query.SortsDescending).ThenBy(u => u.NormalizedEmail),
        };
#pragma warning restore CA1304, CA1311
}
