using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AuthClients.Tests.Database;

/// <summary>
/// Each provider has its own migrations set, generated from the one model. These tests need no
/// database server: they read the model, the migrations and the committed SQL Server script.
/// </summary>
public sealed class MigrationsTests
{
    public const string SqlServerScript = "docs/sql/sqlserver-migrations.sql";

    public static TheoryData<string> Providers => ["Sqlite", "SqlServer", "PostgreSql"];

    [Theory]
    [MemberData(nameof(Providers))]
    public void Migrations_ContainEveryModelChange(string provider)
    {
        using var context = DesignTimeContext(provider);

        Assert.False(context.Database.HasPendingModelChanges(),
            $"The model has changes that the {provider} migrations lack. Add a migration for every provider: " +
            $"dotnet ef migrations add <Name> --context {provider}AppDbContext --project src/AuthClients.Web --output-dir Data/Migrations/{provider}");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Migrations_AreTheProvidersOwn(string provider)
    {
        using var context = DesignTimeContext(provider);
        var migrations = context.GetService<IMigrationsAssembly>().Migrations;

        Assert.NotEmpty(migrations);
        Assert.All(migrations.Values, type => Assert.Equal($"AuthClients.Web.Data.Migrations.{provider}", type.Namespace));
    }

    [Fact]
    public void SqlServerScript_IsGeneratedFromTheCurrentMigrations()
    {
        using var context = DesignTimeContext("SqlServer");
        var expected = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var committed = File.ReadAllText(Path.Combine(Repository.Root(), SqlServerScript));

        Assert.True(Normalize(expected) == Normalize(committed),
            $"{SqlServerScript} is out of date. Regenerate it: dotnet tool restore && dotnet ef migrations script --idempotent " +
            $"--context SqlServerAppDbContext --project src/AuthClients.Web -o {SqlServerScript}");
    }

    [Fact]
    public void SqlServerModel_UsesNativeTypesAndIdentityForClientIds()
    {
        using var context = DesignTimeContext("SqlServer");
        var model = context.GetService<IDesignTimeModel>().Model;

        var number = model.FindEntityType(typeof(ClientNumber))!.FindProperty(nameof(ClientNumber.Number))!;
        Assert.Equal("bigint", number.GetColumnType());
        Assert.Equal(SqlServerValueGenerationStrategy.IdentityColumn, SqlServerPropertyExtensions.GetValueGenerationStrategy(number));

        var columns = model.GetEntityTypes().SelectMany(e => e.GetProperties()).ToList();
        Assert.All(columns.Where(p => p.ClrType == typeof(string)), p => Assert.StartsWith("nvarchar", p.GetColumnType(), StringComparison.Ordinal));
        Assert.All(columns.Where(p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTime?)), p => Assert.Equal("datetime2", p.GetColumnType()));
        Assert.All(columns.Where(p => p.ClrType == typeof(bool)), p => Assert.Equal("bit", p.GetColumnType()));

        // Unique names and numbers are enforced by the database's own indexes.
        var client = model.FindEntityType(typeof(AuthClientApplication))!;
        Assert.Contains(client.GetIndexes(), i => i.IsUnique && i.Properties.Single().Name == nameof(AuthClientApplication.Number));
        Assert.Contains(client.GetIndexes(), i => i.IsUnique && i.Properties.Single().Name == nameof(AuthClientApplication.NormalizedName));
    }

    [Fact]
    public void SqlServerScript_CreatesTheClientNumbersIdentityOnce()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root(), SqlServerScript));

        Assert.Contains("[Number] bigint NOT NULL IDENTITY", script, StringComparison.Ordinal);
        Assert.Contains("CREATE UNIQUE INDEX [IX_OpenIddictApplications_Number]", script, StringComparison.Ordinal);
        // Idempotent: every migration is guarded by a look-up in the history table.
        Assert.Contains("IF NOT EXISTS (", script, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSqlModel_UsesIdentityAndTimestampWithTimeZone()
    {
        using var context = DesignTimeContext("PostgreSql");
        var model = context.GetService<IDesignTimeModel>().Model;

        var number = model.FindEntityType(typeof(ClientNumber))!.FindProperty(nameof(ClientNumber.Number))!;
        Assert.Equal("bigint", number.GetColumnType());
        Assert.Equal(ValueGenerated.OnAdd, number.ValueGenerated);
        Assert.Equal("IdentityByDefaultColumn", number.FindAnnotation("Npgsql:ValueGenerationStrategy")?.Value?.ToString());
        Assert.All(
            model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTime?)),
            p => Assert.Equal("timestamp with time zone", p.GetColumnType()));
    }

    internal static AppDbContext DesignTimeContext(string provider) => provider switch
    {
        "Sqlite" => new SqliteDesignTimeFactory().CreateDbContext([]),
        "SqlServer" => new SqlServerDesignTimeFactory().CreateDbContext([]),
        "PostgreSql" => new PostgreSqlDesignTimeFactory().CreateDbContext([]),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static string Normalize(string script) => script.TrimStart('\uFEFF').ReplaceLineEndings("\n").Trim();
}
