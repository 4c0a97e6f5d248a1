using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

/// <summary>The Users list: search, sort and paging all happen in the database.</summary>
public sealed class UserListService(AppDbContext db)
{
    public async Task<ListPage<UserListItem>> ListAsync(ListQuery query, Actor viewer, CancellationToken cancellationToken = default)
    {
        var rows = await Search(db.Users.AsNoTracking(), query.Term).ToPageAsync(
            query.Page,
            query.SafePageSize,
            users => Sorted(users, query),
            u => new { u.Id, u.FirstName, u.LastName, u.Email, u.IsSuperAdmin, u.IsActive, u.CreatedAt },
            cancellationToken);

        var rights = await EffectivePermissionsAsync(rows.Items.Select(r => r.Id).ToList(), cancellationToken);
        return rows.Select(r => new UserListItem(
            r.Id, $"{r.FirstName} {r.LastName}".Trim(), r.Email ?? "", r.IsSuperAdmin, r.IsActive, r.CreatedAt,
            IsSelf: r.Id == viewer.Id,
            CanManage: viewer.Outranks(r.IsSuperAdmin, rights[r.Id])));
    }

    /// <summary>Matches first name, last name, "first last" and email, ignoring case on every database.</summary>
    internal static IQueryable<AppUser> Search(IQueryable<AppUser> users, string? term)
    {
        if (term is null)
        {
            return users;
        }

        // SQLite's UPPER() changes ASCII letters only, so there the name as typed is compared too:
        // "é" then finds "é", if not "É".
        var upper = term.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // ToUpper() here is translated to SQL UPPER(), not run in .NET.
        return users.Where(u =>
            (u.FirstName + " " + u.LastName).ToUpper().Contains(upper) ||
            (u.FirstName + " " + u.LastName).Contains(term) ||
            (u.NormalizedEmail != null && u.NormalizedEmail.Contains(upper)));
#pragma warning restore CA1304, CA1311, CA1862
    }

    private async Task<ILookup<string, string>> EffectivePermissionsAsync(List<string> userIds, CancellationToken cancellationToken)
    {
        var direct = db.UserPermissions.Where(p => userIds.Contains(p.UserId)).Select(p => new { p.UserId, p.Permission });
        var throughGroups =
            from m in db.GroupMembers
            join p in db.GroupPermissions on m.GroupId equals p.GroupId
            where userIds.Contains(m.UserId)
            select new { m.UserId, p.Permission };
        var pairs = await direct.Union(throughGroups).ToListAsync(cancellationToken);
        return pairs.ToLookup(p => p.UserId, p => p.Permission, StringComparer.Ordinal);
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
