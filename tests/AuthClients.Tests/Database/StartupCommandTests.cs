using AuthClients.Tests.Infrastructure;
using AuthClients.Tests.ScaleOut;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Tests.Database;

/// <summary>The app started as an operator starts it (<c>dotnet AuthClients.Web.dll</c>): bad settings and the <c>migrate</c> command.</summary>
public sealed class StartupCommandTests
{
    [Theory]
    [InlineData("Database:Provider", "Oracle", "Database:Provider 'Oracle' is not supported: use Sqlite, SqlServer or PostgreSql.")]
    [InlineData("Database:Provider", "1", "Database:Provider '1' is not supported")]
    [InlineData("ConnectionStrings:Default", "", "ConnectionStrings:Default is missing: set the database connection string.")]
    [InlineData("ConnectionStrings:Default", "Host=db.example.com;Database=authclients", "ConnectionStrings:Default is not a Sqlite connection string")]
    [InlineData("Database:MigrateOnStartup", "perhaps", "Database:MigrateOnStartup 'perhaps' is not true or false.")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example", "ForwardedHeaders:KnownProxies:0 'proxy.example' is not an IP address.")]
    [InlineData("DataProtection:CertificatePath", "/nowhere/keys.pfx", "DataProtection:CertificatePath '/nowhere/keys.pfx' cannot be read")]
    public async Task BadDatabaseSetting_StopsTheAppWithAMessageNamingIt(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.db")}",
            [key] = value,
        };

        var (exitCode, output) = await AppProcess.RunToExitAsync(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("AuthClients cannot start, the configuration is invalid:", output, StringComparison.Ordinal);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateCommand_AppliesEveryMigrationAndExitsWithoutServing()
    {
        using var database = TestDatabase.Create();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = database.ConnectionString,
            ["Database:Provider"] = database.Provider,
        };

        var (exitCode, output) = await AppProcess.RunToExitAsync(settings, "migrate");

        Assert.True(exitCode == 0, output);
        Assert.Contains("migration(s): the database is up to date.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
        await using (var db = database.OpenContext())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());

            // Schema only: the first administrator and the keys come with the app's first start.
            Assert.Equal(0, await db.Users.CountAsync());
        }

        var (again, secondOutput) = await AppProcess.RunToExitAsync(settings, "migrate");
        Assert.Equal(0, again);
        Assert.Contains("database is up to date: no migration to apply.", secondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateCommand_OnAnUnreachableDatabase_FailsInOneLine()
    {
        var settings = new Dictionary<string, string?>
        {
            // A read-only open of a file that does not exist: SQLite cannot create it.
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.db")};Mode=ReadOnly",
        };

        var (exitCode, output) = await AppProcess.RunToExitAsync(settings, "migrate");

        Assert.Equal(1, exitCode);
        Assert.Contains("Migrating the database failed:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
