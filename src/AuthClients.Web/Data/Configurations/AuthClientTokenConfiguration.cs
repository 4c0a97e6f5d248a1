using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuthClients.Web.Data.Configurations;

internal sealed class AuthClientTokenConfiguration : IEntityTypeConfiguration<AuthClientToken>
{
    /// <summary>
    /// A token's status takes part in every tracked update's concurrency check, next to OpenIddict's
    /// <c>ConcurrencyToken</c>: OpenIddict's bulk revocations (of an authorization's, a client's or a
    /// user's tokens) set the status alone and leave the stamp as it was, so a grant that read its code
    /// or refresh token valid writes it redeemed only if it is still valid (<see cref="Connect.SingleUse"/>).
    /// No column changes: it is a condition of EF Core's UPDATE statements, not of the schema.
    /// </summary>
    public void Configure(EntityTypeBuilder<AuthClientToken> builder) => builder.Property(t => t.Status).IsConcurrencyToken();
}
