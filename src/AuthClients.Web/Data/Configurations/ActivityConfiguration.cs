using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuthClients.Web.Data.Configurations;

internal sealed class ClientTokenCountConfiguration : IEntityTypeConfiguration<ClientTokenCount>
{
    public void Configure(EntityTypeBuilder<ClientTokenCount> builder)
    {
        builder.HasKey(c => new { c.ClientId, c.Hour, c.GrantType });
        builder.Property(c => c.ClientId).HasMaxLength(100);
        builder.Property(c => c.GrantType).HasMaxLength(100);

        // The dashboard's and retention's "since" reads across clients.
        builder.HasIndex(c => c.Hour);
    }
}

internal sealed class ClientFailureCountConfiguration : IEntityTypeConfiguration<ClientFailureCount>
{
    public void Configure(EntityTypeBuilder<ClientFailureCount> builder)
    {
        builder.HasKey(c => new { c.ClientId, c.Hour, c.Reason });
        builder.Property(c => c.ClientId).HasMaxLength(100);
        builder.Property(c => c.Reason).HasMaxLength(64);
        builder.HasIndex(c => c.Hour);
    }
}

internal sealed class ClientFailureConfiguration : IEntityTypeConfiguration<ClientFailure>
{
    public void Configure(EntityTypeBuilder<ClientFailure> builder)
    {
        builder.Property(f => f.ClientId).HasMaxLength(100);
        builder.Property(f => f.Reason).HasMaxLength(64);
        builder.Property(f => f.GrantType).HasMaxLength(100);
        builder.Property(f => f.IpAddress).HasMaxLength(64);
        builder.HasIndex(f => new { f.ClientId, f.OccurredAt });
        builder.HasIndex(f => f.OccurredAt);
    }
}

internal sealed class BackgroundLeaseConfiguration : IEntityTypeConfiguration<BackgroundLease>
{
    public void Configure(EntityTypeBuilder<BackgroundLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(64);
        builder.Property(l => l.Holder).HasMaxLength(200);
    }
}
