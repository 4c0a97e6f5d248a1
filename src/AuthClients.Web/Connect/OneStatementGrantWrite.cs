using System.Data.Common;
using System.Text;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
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
/// columns, types and concurrency conditions come from EF Core's model, so the statement follows it.
/// </summary>
internal static class OneStatementGrantWrite
{
    /// <returns>
    /// Null when the context's changes are not a grant's (one token redeemed, new token rows, nothing
    /// else): <c>SaveChanges</c> writes them. True when written; false when the token was redeemed or
    /// revoked meanwhile, and nothing was written.
    /// </returns>
    public static async Task<bool?> TryWriteAsync(DbContext db, CancellationToken cancellationToken)
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
                case EntityState.Modified when entry.Entity is AuthClientToken && spent is null:
                    spent = entry;
                    break;
                case EntityState.Added when entry.Entity is AuthClientToken:
                    created.Add(entry);
                    break;
                default:
                    return null;
            }
        }

        if (spent is null || created.Count == 0 || created.Any(row => row.Properties.Any(p => p.IsTemporary)))
        {
            return null;
        }

        using var statement = new Statement(db, spent.Metadata);
        var sql = new StringBuilder("-- ").Append(PreparedGrantStatements.Tag).Append('\n'); // prepared on the server, as the statements it replaces
        sql.Append("WITH spent AS (\nUPDATE ").Append(statement.Table).Append(" SET ")
            .AppendJoin(", ", spent.Properties.Where(p => p.IsModified).Select(p => $"{statement.Column(p.Metadata)} = {statement.Value(p.Metadata, p.CurrentValue)}"))
            .Append(" WHERE ")
            .AppendJoin(" AND ", spent.Properties.Where(p => p.Metadata.IsPrimaryKey() || p.Metadata.IsConcurrencyToken)
                .Select(p => $"{statement.Column(p.Metadata)} = {statement.Value(p.Metadata, p.OriginalValue)}"))
            .Append(" RETURNING 1)\n");
        var columns = spent.Metadata.GetProperties().ToArray();
        sql.Append("INSERT INTO ").Append(statement.Table).Append(" (").AppendJoin(", ", columns.Select(statement.Column)).Append(")\n");
        sql.AppendJoin("\nUNION ALL ", created.Select(row =>
            "SELECT " + string.Join(", ", columns.Select(c => statement.Value(c, row.Property(c.Name).CurrentValue))) + " FROM spent"));

        var inserted = await db.Database.ExecuteSqlRawAsync(sql.ToString(), statement.Parameters, cancellationToken);
        if (inserted == 0)
        {
            return false;
        }

        db.ChangeTracker.AcceptAllChanges();
        return true;
    }

    /// <summary>The table's quoted names and the statement's parameters, each typed and cast as the model maps its column.</summary>
    private sealed class Statement(DbContext db, IEntityType entity) : IDisposable
    {
        private readonly StoreObjectIdentifier _table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        private readonly ISqlGenerationHelper _sql = db.GetService<ISqlGenerationHelper>();
        private readonly DbCommand _parameterFactory = db.Database.GetDbConnection().CreateCommand();

        public List<DbParameter> Parameters { get; } = [];

        public string Table => _sql.DelimitIdentifier(_table.Name, _table.Schema);

        public string Column(IProperty property) => _sql.DelimitIdentifier(property.GetColumnName(_table)!);

        /// <summary>
        /// A parameter for <paramref name="value"/>, cast to its column's type: a value selected rather
        /// than inserted is not typed by its column, and a null would otherwise be text.
        /// </summary>
        public string Value(IProperty property, object? value)
        {
            var name = "@p" + Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(_parameterFactory, name, value, property.IsNullable));
            return $"{name}::{property.GetColumnType(_table)}";
        }

        public void Dispose() => _parameterFactory.Dispose();
    }
}
