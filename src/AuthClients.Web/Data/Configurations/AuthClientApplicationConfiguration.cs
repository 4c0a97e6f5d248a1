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

        // The database, not C#, guarantees unique names and numbers under concurrent writes.
        builder.HasIndex(a => a.Number).IsUnique();
        builder.HasIndex(a => a.NormalizedName).IsUnique();
        builder.HasIndex(a => a.CreatedAt);
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
