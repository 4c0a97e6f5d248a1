using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Data;

/// <summary>
/// The one store of the application: Identity users, groups and permissions, OpenIddict's
/// applications and tokens, Data Protection keys and the audit trail. Each database provider
/// derives its own context so that each keeps its own migrations set.
/// </summary>
public abstract class AppDbContext(DbContextOptions options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<Group> Groups => Set<Group>();

    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();

    public DbSet<GroupPermission> GroupPermissions => Set<GroupPermission>();

    public DbSet<UserPermission> UserPermissions => Set<UserPermission>();

    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<ClientNumber> ClientNumbers => Set<ClientNumber>();

    public DbSet<AuthClientTotal> AuthClientTotals => Set<AuthClientTotal>();

    public DbSet<AuthClientApplication> AuthClients => Set<AuthClientApplication>();

    public DbSet<AuthClientCredential> AuthClientCredentials => Set<AuthClientCredential>();

    public DbSet<UsedClientAssertion> UsedClientAssertions => Set<UsedClientAssertion>();

    public DbSet<AuthClientToken> AuthClientTokens => Set<AuthClientToken>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();

    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<ClientTokenCount> ClientTokenCounts => Set<ClientTokenCount>();

    public DbSet<ClientFailureCount> ClientFailureCounts => Set<ClientFailureCount>();

    public DbSet<ClientFailure> ClientFailures => Set<ClientFailure>();

    public DbSet<BackgroundLease> BackgroundLeases => Set<BackgroundLease>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict<AuthClientApplication, AuthClientAuthorization, AuthClientScope, AuthClientToken, string>();
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options);

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options)
{
    /// <summary>The trigger that keeps <see cref="AuthClientTotal"/> (its migration).</summary>
    public const string ClientTotalTrigger = "AuthClientTotal_Count";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // SQL Server refuses EF Core's OUTPUT clause on a table with a trigger unless the model declares it.
        builder.Entity<AuthClientApplication>().ToTable(t => t.HasTrigger(ClientTotalTrigger));
    }
}

public sealed class PostgreSqlAppDbContext(DbContextOptions<PostgreSqlAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // The list's search is LIKE '%term%' (Features/AuthClients/AuthClientSearch.cs), asked of a
        // narrow copy of the text with a pg_trgm trigram index, both kept by triggers (the
        // AuthClientSearchCopy migration). pg_trgm ships with PostgreSQL and is a trusted extension,
        // so the database owner may create it.
        builder.HasPostgresExtension("pg_trgm");
    }
}
