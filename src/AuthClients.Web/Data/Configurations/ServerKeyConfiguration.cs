using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuthClients.Web.Data.Configurations;

internal sealed class ServerKeyConfiguration : IEntityTypeConfiguration<ServerKey>
{
    public void Configure(EntityTypeBuilder<ServerKey> builder)
    {
        builder.Property(k => k.Id).HasMaxLength(64);
        builder.Property(k => k.Use).HasMaxLength(8);
        builder.Property(k => k.Algorithm).HasMaxLength(32);
        builder.HasIndex(k => new { k.Use, k.NotBefore });
    }
}
