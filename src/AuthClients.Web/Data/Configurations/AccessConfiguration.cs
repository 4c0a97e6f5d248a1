using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuthClients.Web.Data.Configurations;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.FirstName).HasMaxLength(100);
        builder.Property(u => u.LastName).HasMaxLength(100);
        builder.HasMany<UserPermission>().WithOne().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany<GroupMember>().WithOne().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserPermissionConfiguration : IEntityTypeConfiguration<UserPermission>
{
    public void Configure(EntityTypeBuilder<UserPermission> builder)
    {
        builder.HasKey(p => new { p.UserId, p.Permission });
        builder.Property(p => p.Permission).HasMaxLength(100);
    }
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.Property(g => g.Name).HasMaxLength(255).IsRequired();
        builder.Property(g => g.NormalizedName).HasMaxLength(255).IsRequired();
        builder.Property(g => g.Description).HasMaxLength(1000);
        builder.HasIndex(g => g.NormalizedName).IsUnique();
        builder.Property(g => g.ConcurrencyStamp).HasMaxLength(36).IsRequired().IsConcurrencyToken();
        builder.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.Permissions).WithOne().HasForeignKey(p => p.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasIndex(m => m.UserId);
    }
}

internal sealed class GroupPermissionConfiguration : IEntityTypeConfiguration<GroupPermission>
{
    public void Configure(EntityTypeBuilder<GroupPermission> builder)
    {
        builder.HasKey(p => new { p.GroupId, p.Permission });
        builder.Property(p => p.Permission).HasMaxLength(100);
    }
}

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.Property(a => a.ActorId).HasMaxLength(450);
        builder.Property(a => a.ActorName).HasMaxLength(256);
        builder.Property(a => a.IpAddress).HasMaxLength(64);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.TargetType).HasMaxLength(64);
        builder.Property(a => a.TargetId).HasMaxLength(450);
        // The Audit Log's filters, each with the time order the page reads in (Features/Audit).
        builder.HasIndex(a => a.OccurredAt);
        builder.HasIndex(a => new { a.TargetType, a.TargetId, a.OccurredAt });
        builder.HasIndex(a => new { a.ActorId, a.OccurredAt });
        // An actor and a kind of event: one run per action in time order (AuditLogQueries.PageSource).
        builder.HasIndex(a => new { a.ActorId, a.Action, a.OccurredAt });
        builder.HasIndex(a => new { a.Action, a.OccurredAt });
    }
}
