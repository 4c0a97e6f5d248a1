using System.Data.Common;
using System.Runtime.CompilerServices;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuthClients.Web.Authorization;

/// <summary>
/// A counter that moves whenever this process writes to a table that decides what a user's token
/// may do: users, their permissions, groups and memberships, and authorizations
/// (consents, which revocation and a refresh token's reuse revoke). <see cref="AccessStateCache"/>
/// trusts an entry only while the counter has not moved since the entry was read.
/// </summary>
public sealed class AccessChanges
{
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public void Changed() => Interlocked.Increment(ref _generation);
}

/// <summary>
/// Moves <see cref="AccessChanges"/> for every command this process sends that writes one of its
/// tables, whoever sends it: <c>SaveChanges</c> (UserManager, OpenIddict's managers, the admin
/// pages), <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> and raw SQL alike, since all of them are
/// commands. Watching commands rather than entities is what catches the bulk updates, which never
/// reach the change tracker. A write inside a transaction moves the counter again when the
/// transaction commits: a read between the two saw the old rows, and must not be trusted after.
/// </summary>
public sealed class AccessChangeInterceptor(AccessChanges changes) : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private static readonly Type[] WatchedEntities =
        [typeof(AppUser), typeof(UserPermission), typeof(Group), typeof(GroupMember), typeof(GroupPermission), typeof(AuthClientAuthorization), typeof(Microsoft.AspNetCore.Identity.IdentityUserPasskey<string>)];

    private readonly ConditionalWeakTable<DbTransaction, object> _transactionsWithChanges = [];
    private string[]? _watchedTables;

    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Inspect(command, eventData.Context);
        return result;
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Inspect(command, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Inspect(command, eventData.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Inspect(command, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Inspect(command, eventData.Context);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Inspect(command, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    private void Committed(DbTransaction transaction)
    {
        if (_transactionsWithChanges.Remove(transaction))
        {
            changes.Changed();
        }
    }

    private void Inspect(DbCommand command, DbContext? context)
    {
        if (!Writes(command.CommandText, context))
        {
            return;
        }

        changes.Changed();
        if (command.Transaction is { } transaction)
        {
            _transactionsWithChanges.AddOrUpdate(transaction, this);
        }
    }

    /// <summary>
    /// Whether the command may write a watched table: anything but a plain query that names one.
    /// Erring towards yes only costs a cache miss.
    /// </summary>
    private bool Writes(string sql, DbContext? context)
    {
        var text = WithoutLeadingComments(sql);
        if (text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (context is null)
        {
            return true;
        }

        var tables = _watchedTables ??= TablesOf(context);
        foreach (var table in tables)
        {
            if (text.Contains(table, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The statement after the comment lines EF Core's <c>TagWith</c> puts first (a grant's reads
    /// carry one: <see cref="Hosting.PreparedGrantStatements.Tag"/>). Read as a write, such a read
    /// made every remembered answer stale on each code exchange and refresh.
    /// </summary>
    private static ReadOnlySpan<char> WithoutLeadingComments(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        while (text.StartsWith("--", StringComparison.Ordinal))
        {
            var lineEnd = text.IndexOf('\n');
            text = lineEnd < 0 ? [] : text[(lineEnd + 1)..].TrimStart();
        }

        return text;
    }

    /// <summary>The watched entities' tables as the model maps them.</summary>
    private static string[] TablesOf(DbContext context) =>
        [.. WatchedEntities.Select(type => context.Model.FindEntityType(type)?.GetTableName()).OfType<string>()];
}
