using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuthClients.Web.Data;

/// <summary>
/// An entity's table and column names as the model maps them and the provider quotes them, for the
/// few statements written as SQL (the background flush's batched updates), so they follow the
/// model on every provider instead of repeating its names.
/// </summary>
internal sealed class QuotedNames
{
    private readonly IEntityType _entity;
    private readonly StoreObjectIdentifier _table;
    private readonly ISqlGenerationHelper _sql;

    private QuotedNames(DbContext db, Type entityType)
    {
        _entity = db.Model.FindEntityType(entityType) ?? throw new InvalidOperationException($"{entityType.Name} is not in the model.");
        _table = StoreObjectIdentifier.Table(_entity.GetTableName()!, _entity.GetSchema());
        _sql = db.GetService<ISqlGenerationHelper>();
        Table = _sql.DelimitIdentifier(_table.Name, _table.Schema);
    }

    public static QuotedNames Of<TEntity>(DbContext db) => new(db, typeof(TEntity));

    /// <summary>The table, with its schema when it has one.</summary>
    public string Table { get; }

    /// <summary>The column of <paramref name="property"/> (pass it with <c>nameof</c>).</summary>
    public string Column(string property) =>
        _sql.DelimitIdentifier((_entity.FindProperty(property) ?? throw new InvalidOperationException($"{_entity.DisplayName()} has no property {property}."))
            .GetColumnName(_table)!);
}
