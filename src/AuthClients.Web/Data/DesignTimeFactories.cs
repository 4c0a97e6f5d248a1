using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AuthClients.Web.Data;

// `dotnet ef` uses these instead of building the web host, so generating a provider's migrations
// or its script needs no configuration and no running database server. Identity reads its schema
// version (passkeys since version 3) from the app's services, so each factory hands it the same
// IdentityOptions the app uses (IdentityHosting.SchemaServices).

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design-time.db").UseApplicationServiceProvider(IdentityHosting.SchemaServices).Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAppDbContext>
{
    public SqlServerAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerAppDbContext>().UseSqlServer("Server=localhost;Database=AuthClients;Trusted_Connection=True").UseApplicationServiceProvider(IdentityHosting.SchemaServices).Options);
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlAppDbContext>
{
    public PostgreSqlAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlAppDbContext>().UseNpgsql("Host=localhost;Database=authclients").UseApplicationServiceProvider(IdentityHosting.SchemaServices).Options);
}
