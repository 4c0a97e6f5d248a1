using System.Data.Common;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuthClients.Web.Hosting;

/// <summary>
/// PostgreSQL: the statements that every code exchange and refresh runs (the token and the user by
/// key, the redemption, the insert of the new refresh token), and the read of a client and its
/// credentials when the client cache misses, are prepared on the server, so that PostgreSQL parses
/// and plans each once per connection instead of on every request. With every repeated statement
/// of a grant prepared, the server's CPU per refresh went from 3.25 to 1.84 ms; with the client
/// read prepared, its CPU per token in a round robin over 100,000 clients went from 0.60 to 0.29 ms
/// (docs/performance.md, tenth and fifteenth looks). Only these: Npgsql's automatic preparation (<c>Max Auto
/// Prepare</c>) prepares whatever repeats, and a prepared search of the Auth Clients list got one
/// generic plan for every pattern (a two-letter search took 833 ms instead of 26 at a million clients).
/// A statement is one of these when it starts with the comment <see cref="Tag"/> (the grant's queries,
/// tagged by EF Core, and its write, <see cref="Connect.OneStatementGrantWrite"/>), or when it inserts or
/// updates a row of the tokens table (EF Core writes no tag on what <c>SaveChanges</c> or
/// <c>ExecuteUpdate</c> sends, such as the code's row or a grant written by <c>SaveChanges</c>; those are
/// writes by key, whose plan no value changes). Npgsql keeps
/// a prepared statement with its physical connection and finds it again by its text, so preparing a
/// command already prepared there sends nothing. Setting <c>OAuthServer:Performance:PrepareGrantStatements</c>.
/// </summary>
public sealed class PreparedGrantStatements : DbCommandInterceptor
{
    /// <summary>For EF Core's <c>TagWith</c>: the statement then starts with this comment.</summary>
    public const string Tag = "grant statement, kept prepared";

    private const string TagComment = "-- " + Tag;

    /// <summary>True for a statement EF Core tagged with <see cref="Tag"/> (kept compiled on SQLite too: <see cref="SqliteKeptStatements"/>).</summary>
    public static bool IsTagged(string sql) => sql.StartsWith(TagComment, StringComparison.Ordinal);

    private (string Insert, string Update)? _tokenWrites;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Prepared(command, eventData, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) => PreparedAsync(command, eventData, result, cancellationToken);

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Prepared(command, eventData, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default) => PreparedAsync(command, eventData, result, cancellationToken);

    private T Prepared<T>(DbCommand command, CommandEventData eventData, T result)
    {
        if (IsGrantStatement(command, eventData.Context))
        {
            command.Prepare();
        }

        return result;
    }

    private async ValueTask<T> PreparedAsync<T>(DbCommand command, CommandEventData eventData, T result, CancellationToken cancellationToken)
    {
        if (IsGrantStatement(command, eventData.Context))
        {
            await command.PrepareAsync(cancellationToken);
        }

        return result;
    }

    private bool IsGrantStatement(DbCommand command, DbContext? context)
    {
        var sql = command.CommandText;
        if (IsTagged(sql))
        {
            return true;
        }

        if (context is null)
        {
            return false;
        }

        var (insert, update) = _tokenWrites ??= TokenWrites(QuotedNames.Of<AuthClientToken>(context).Table);
        return sql.StartsWith(insert, StringComparison.Ordinal) || sql.StartsWith(update, StringComparison.Ordinal);
    }

    private static (string Insert, string Update) TokenWrites(string table) => ($"INSERT INTO {table} (", $"UPDATE {table} ");
}
