using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuthClients.Web.Data.Configurations;

internal sealed class AuthClientApplicationConfiguration : IEntityTypeConfiguration<AuthClientApplication>
{
    public void Configure(EntityTypeBuilder<AuthClientApplication> builder)
    {
        builder.Property(a => a.NormalizedName).HasMaxLength(255).IsRequired();
        builder.Property(a => a.PrimaryRedirectUri).HasMaxLength(2000);
        builder.Property(a => a.CreatedById).HasMaxLength(450);
        builder.Property(a => a.SearchText).IsRequired();
        builder.Property(a => a.IsEnabled).HasDefaultValue(true);
        builder.Property(a => a.LastUsedFrom).HasMaxLength(64);

        // The database, not C#, guarantees unique names and numbers under concurrent writes.
        builder.HasIndex(a => a.Number).IsUnique();
        builder.HasIndex(a => a.NormalizedName).IsUnique();
        builder.HasIndex(a => a.CreatedAt);
        builder.HasIndex(a => a.LastUsedAt);

        // The dashboard's enabled and disabled counts, and the list's filters of the same names.
        builder.HasIndex(a => a.IsEnabled);
    }
}

internal sealed class ClientNumberConfiguration : IEntityTypeConfiguration<ClientNumber>
{
    public void Configure(EntityTypeBuilder<ClientNumber> builder)
    {
        builder.HasKey(n => n.Number);
        builder.Property(n => n.Number).ValueGeneratedOnAdd();
    }
}

internal sealed class AuthClientCredentialConfiguration : IEntityTypeConfiguration<AuthClientCredential>
{
    public void Configure(EntityTypeBuilder<AuthClientCredential> builder)
    {
        builder.ToTable("AuthClientCredentials");
        builder.Property(c => c.Id).HasMaxLength(36);
        builder.Property(c => c.ApplicationId).HasMaxLength(450).IsRequired();
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Label).HasMaxLength(100).IsRequired();
        builder.Property(c => c.SecretVerifier).HasMaxLength(200);
        builder.Property(c => c.KeyId).HasMaxLength(100);
        builder.Property(c => c.CreatedById).HasMaxLength(450);
        builder.Property(c => c.CreatedByName).HasMaxLength(256).IsRequired();
        builder.Property(c => c.RevokedByName).HasMaxLength(256);
        builder.Property(c => c.LastUsedFrom).HasMaxLength(64);
        builder.HasIndex(c => c.ApplicationId);
        builder.HasIndex(c => c.ExpiresAt);
        builder.HasOne<AuthClientApplication>().WithMany().HasForeignKey(c => c.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsedClientAssertionConfiguration : IEntityTypeConfiguration<UsedClientAssertion>
{
    public void Configure(EntityTypeBuilder<UsedClientAssertion> builder)
    {
        builder.ToTable("UsedClientAssertions");
        builder.HasKey(a => new { a.ClientId, a.TokenId });
        builder.Property(a => a.ClientId).HasMaxLength(100);
        builder.Property(a => a.TokenId).HasMaxLength(200);
        builder.HasIndex(a => a.ExpiresAt);
    }
}

internal sealed class AuthClientTotalConfiguration : IEntityTypeConfiguration<AuthClientTotal>
{
    public void Configure(EntityTypeBuilder<AuthClientTotal> builder)
    {
        builder.ToTable("AuthClientTotals");
        builder.Property(t => t.Id).ValueGeneratedNever();
    }
}
