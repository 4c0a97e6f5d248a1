using System.Collections.Frozen;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuthClients.Web.Connect;

/// <summary>
/// PostgreSQL: a code or refresh grant's writes (<see cref="GrantWrite"/>) sent as one statement, the
/// redemption in a data-modifying <c>WITH</c> and the new token rows inserted only from what it
/// updated:
/// <code>
/// WITH spent AS (UPDATE tokens SET ... WHERE Id = @id AND ConcurrencyToken = @read AND Status = @read RETURNING 1)
/// INSERT INTO tokens (...) SELECT ... FROM spent
/// </code>
/// One statement is atomic on its own, so it needs no transaction: EF Core's <c>SaveChanges</c> sent
/// the same update and insert after a <c>BEGIN</c> and then a <c>COMMIT</c> of its own, one round trip
/// and one wake-up more per grant. When another request redeemed or revoked the token meanwhile, the
/// update matches no row and nothing is inserted, as a failed <c>SaveChanges</c> wrote nothing. The
/// columns, types and concurrency conditions come from EF Core's model, so the statement follows it;
/// a model it could not write as <c>SaveChanges</c> would (a column the database fills, a computed
/// column, an inheritance or a complex property) leaves the grant to <c>SaveChanges</c>. It bypasses
/// what <c>SaveChanges</c> adds around its commands (its interceptors and events; the app registers none).
/// </summary>
internal static class OneStatementGrantWrite
{
    private static readonly ConditionalWeakTable<IEntityType, Columns> ColumnsOf = new();

    /// <param name="redeemed">The token <see cref="SingleUse"/> marked redeemed on its tracked row.</param>
    /// <returns>
    /// Null when the context's changes are not this grant's (the redeemed token, new token rows,
    /// nothing else), or the model is one this statement cannot write: <c>SaveChanges</c> writes them.
    /// True when written; false when the token was redeemed or revoked meanwhile, and nothing was written.
    /// </returns>
    public static async Task<bool?> TryWriteAsync(DbContext db, AuthClientToken redeemed, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        EntityEntry? spent = null;
        List<EntityEntry> created = [];
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Unchanged or EntityState.Detached:
                    continue;
                case EntityState.Modified when ReferenceEquals(entry.Entity, redeemed):
                    spent = entry;
                    break;
                case EntityState.Added when entry.Entity is AuthClientToken:
                    created.Add(entry);
                    break;
                default:
                    return null;
            }
        }

        // A temporary key (one the database would generate) is not a value to insert.
        if (spent is null || created.Count == 0 || created.Any(row => row.Properties.Any(p => p.IsTemporary))
            || ColumnsOf.GetValue(spent.Metadata, entity => Columns.Of(db, entity)) is not { Writable: true } columns)
        {
            return null;
        }

        using var statement = new Statement(db);
        var sql = new StringBuilder("-- ").Append(PreparedGrantStatements.Tag).Append('\n'); // prepared on the server, as the statements it replaces
        sql.Append("WITH spent AS (\nUPDATE ").Append(columns.Table).Append(" SET ")
            .AppendJoin(", ", spent.Properties.Where(p => p.IsModified).Select(p => columns.Equal(p.Metadata, statement, p.CurrentValue)))
            .Append(" WHERE ")
            .AppendJoin(" AND ", spent.Properties.Where(p => p.Metadata.IsPrimaryKey() || p.Metadata.IsConcurrencyToken).Select(p => p.OriginalValue is null
                ? $"{columns.Name(p.Metadata)} IS NULL"
                : columns.Equal(p.Metadata, statement, p.OriginalValue)))
            .Append(" RETURNING 1)\n");
        sql.Append(columns.Insert);
        sql.AppendJoin("\nUNION ALL ", created.Select(row =>
            "SELECT " + string.Join(", ", columns.All.Select(c => statement.Value(c, row.Property(c).CurrentValue))) + " FROM spent"));

        // A fault on the way (a connection lost to a restart) has the execution strategy send the
        // statement again, as SaveChanges would be. When the statement was committed and only its
        // answer was lost, the spent row carries the new stamp only this grant wrote, and the grant
        // succeeded: sent again, the update would find the token spent and refuse the grant.
        var write = new Attempt(Formatted(sql), statement.Parameters, spent, columns, created.Count);
        var inserted = await db.Database.CreateExecutionStrategy().ExecuteAsync(write,
            static (context, write, cancel) => context.Database.ExecuteSqlRawAsync(write.Sql, write.Parameters, cancel),
            static async (context, write, cancel) =>
            {
                write.Faulted = true;
                return await write.StampedAsync(context, cancel) ? new ExecutionResult<int>(true, write.Rows) : new ExecutionResult<int>(false, 0);
            },
            cancellationToken);

        // The first statement may still have held the row when the stamp was looked for (the server
        // finishes a statement whose client is gone): the one sent again then waited for it and found
        // the token spent. It has committed or rolled back by now, so a second look is the answer.
        if (inserted == 0 && write.Faulted && await write.StampedAsync(db, cancellationToken))
        {
            inserted = write.Rows;
        }

        if (inserted == 0)
        {
            return false;
        }

        if (inserted != created.Count)
        {
            throw new InvalidOperationException($"The grant's statement inserted {inserted} token rows instead of {created.Count}.");
        }

        db.ChangeTracker.AcceptAllChanges();
        return true;
    }

    /// <summary>The grant's statement as the execution strategy sends it, and what tells, after a fault, whether it was committed.</summary>
    private sealed class Attempt(string sql, List<DbParameter> parameters, EntityEntry spent, Columns columns, int rows)
    {
        public string Sql => sql;

        public List<DbParameter> Parameters => parameters;

        /// <summary>The number of new token rows: what a committed statement inserted.</summary>
        public int Rows => rows;

        /// <summary>Whether a fault made the strategy look for the stamp.</summary>
        public bool Faulted { get; set; }

        /// <summary>
        /// Whether the spent row carries the new concurrency stamp, a random value only this grant
        /// wrote (and so its statement was committed). Not the token's status, which a concurrent
        /// redemption or revocation writes too. False when the grant wrote no new stamp.
        /// </summary>
        public async Task<bool> StampedAsync(DbContext db, CancellationToken cancellationToken)
        {
            var stamp = spent.Property(nameof(AuthClientToken.ConcurrencyToken));
            if (!stamp.IsModified || stamp.CurrentValue is null || Equals(stamp.CurrentValue, stamp.OriginalValue))
            {
                return false;
            }

            using var check = new Statement(db);
            var sql = new StringBuilder("SELECT 1 AS \"Value\" FROM ").Append(columns.Table).Append(" WHERE ")
                .AppendJoin(" AND ", spent.Properties.Where(p => p.Metadata.IsPrimaryKey()).Append(stamp)
                    .Select(p => columns.Equal(p.Metadata, check, p.CurrentValue)));
            return (await db.Database.SqlQueryRaw<int>(Formatted(sql), [.. check.Parameters]).ToListAsync(cancellationToken)).Count == 1;
        }
    }

    // EF Core formats raw SQL that comes with parameters (string.Format): no brace of a name may count.
    private static string Formatted(StringBuilder sql) => sql.Replace("{", "{{").Replace("}", "}}").ToString();

    /// <summary>
    /// The table and its columns as the model maps them and the provider quotes them (<see cref="QuotedNames"/>),
    /// and whether this statement writes every one as <c>SaveChanges</c> would. Named once per model:
    /// EF Core works a column's name out anew on every call, which made building the statement a
    /// tenth of a grant's allocations.
    /// </summary>
    private sealed class Columns
    {
        private readonly FrozenDictionary<IProperty, string> _names;

        private Columns(QuotedNames names, IProperty[] all, bool writable)
        {
            Writable = writable;
            Table = names.Table;
            All = all;
            _names = all.ToFrozenDictionary(p => p, p => names.Column(p.Name));
            Insert = $"INSERT INTO {Table} ({string.Join(", ", all.Select(Name))})\n";
        }

        /// <summary>False for a model that <c>SaveChanges</c> must write: a value the database fills or computes, inheritance, complex properties, a split entity.</summary>
        public bool Writable { get; }

        public string Table { get; }

        public IProperty[] All { get; }

        /// <summary>The insert's head, every column named: <c>INSERT INTO table (...)</c>.</summary>
        public string Insert { get; }

        public string Name(IProperty property) => _names[property];

        /// <summary><c>column = @p</c>, the value a parameter of <paramref name="statement"/>.</summary>
        public string Equal(IProperty property, Statement statement, object? value) => $"{Name(property)} = {statement.Value(property, value)}";

        public static Columns Of(DbContext db, IEntityType entity)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var writable = entity.BaseType is null && !entity.GetDirectlyDerivedTypes().Any() && !entity.GetComplexProperties().Any()
                && entity.GetProperties().All(p => p.GetColumnName(table) is not null
                    && (p.ValueGenerated == ValueGenerated.Never || p.IsPrimaryKey())
                    && p.GetDefaultValueSql(table) is null && p.GetComputedColumnSql(table) is null && !p.TryGetDefaultValue(table, out _));
            return new Columns(QuotedNames.Of<AuthClientToken>(db), [.. entity.GetProperties()], writable);
        }
    }

    /// <summary>The statement's parameters, each typed as the model maps its column.</summary>
    private sealed class Statement(DbContext db) : IDisposable
    {
        private readonly DbCommand _parameterFactory = db.Database.GetDbConnection().CreateCommand();

        public List<DbParameter> Parameters { get; } = [];

        /// <summary>
        /// A parameter for <paramref name="value"/>, cast to its column's type without a length: a value
        /// selected rather than inserted is not typed by its column (a null would be text), and a cast to
        /// <c>varchar(n)</c> would cut a longer value where the column refuses it.
        /// </summary>
        public string Value(IProperty property, object? value)
        {
            var name = "@p" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
            var mapping = property.GetRelationalTypeMapping();
            Parameters.Add(mapping.CreateParameter(_parameterFactory, name, value, property.IsNullable));
            return $"{name}::{mapping.StoreTypeNameBase}";
        }

        public void Dispose() => _parameterFactory.Dispose();
    }
}
