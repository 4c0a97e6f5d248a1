using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Redeems a code or refresh token so that it is single-use even when the same one arrives several
/// times at once. OpenIddict's own redemption (which this replaces) checks the token's row when the
/// request starts and writes it back at sign-in; measured under load (8 copies of one refresh token
/// at once, SQLite and PostgreSQL) every copy that read the row before the first was marked got
/// tokens. Here the redemption is one conditional update (<c>... SET Status = 'redeemed' WHERE Id =
/// @id AND Status = 'valid' AND ConcurrencyToken = @read</c>), which the database lets only one request
/// win; the others are refused. It is decided where OpenIddict's redemption ran (early in sign-in,
/// before any token is made), for every path that answers these grants (<see cref="InlineTokenHandler"/>
/// and the controller). (OpenIddict's handler also redeemed device and user codes: the device flow is
/// not enabled here.)
/// <para>
/// With the app's token store (<see cref="GrantWrite"/> registered; not in the baseline) the update is
/// written together with the rows of the tokens the grant creates, in one transaction once they are
/// made: a refresh commits once instead of twice, and SQLite's writer queue is taken once. A copy that
/// loses the race writes nothing and is refused, so no row of its tokens exists. In the baseline the
/// update is sent at once, as OpenIddict's store saves each new token by itself.
/// </para>
/// </summary>
public sealed class SingleUse(AppDbContext db, IOpenIddictTokenManager tokens, SqliteWriteQueue? queue = null, GrantWrite? grantWrite = null)
    : IOpenIddictServerHandler<ProcessSignInContext>
{
    public const string AlreadyUsedDescription = "This code or refresh token has already been used.";

    /// <summary>OpenIddict's redemption, which this handler takes the place of.</summary>
    public static OpenIddictServerHandlerDescriptor Replaced { get; } = OpenIddictServerHandlers.RedeemTokenEntry.Descriptor;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .AddFilter<RequireCodeOrRefreshGrant>()
            .UseScopedHandler<SingleUse>(services => new SingleUse(
                services.GetRequiredService<AppDbContext>(), services.GetRequiredService<IOpenIddictTokenManager>(),
                services.GetService<SqliteWriteQueue>(), services.GetService<GrantWrite>()))
            .SetOrder(Replaced.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        var authentication = context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!);
        var grant = context.Request.IsAuthorizationCodeGrantType() ? authentication?.AuthorizationCodePrincipal : authentication?.RefreshTokenPrincipal;
        if (grant?.GetTokenId() is not { Length: > 0 } tokenId)
        {
            return; // a token without a row (OpenIddict's rule too)
        }

        // The row OpenIddict read for this request (its manager finds it in the context, no query).
        if (await tokens.FindByIdAsync(tokenId, context.CancellationToken) is not AuthClientToken token)
        {
            return;
        }

        if (token.Status != Statuses.Valid)
        {
            // Already redeemed: a refresh token retried within the reuse leeway, which OpenIddict's
            // validation let through on purpose. Redeemed again, as OpenIddict does (its result ignored).
            await tokens.TryRedeemAsync(token, context.CancellationToken);
            return;
        }

        var (now, stamp) = (DateTime.UtcNow, Guid.NewGuid().ToString());
        if (grantWrite is not null)
        {
            // Tracked as read: SaveChanges checks the status and the stamp it was read with (AuthClientTokenConfiguration).
            (token.Status, token.RedemptionDate, token.ConcurrencyToken) = (Statuses.Redeemed, now, stamp);
            grantWrite.Pending(token);
            return;
        }

        if (!await ClaimAsync(token, now, stamp, context.CancellationToken))
        {
            context.Reject(Errors.InvalidGrant, AlreadyUsedDescription);
        }
    }

    /// <returns>False when another request redeemed the token first.</returns>
    private async Task<bool> ClaimAsync(AuthClientToken token, DateTime now, string stamp, CancellationToken cancellationToken)
    {
        var id = token.Id;
        var claim = () => db.Set<AuthClientToken>().Where(t => t.Id == id && t.Status == Statuses.Valid)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, Statuses.Redeemed).SetProperty(x => x.RedemptionDate, now).SetProperty(x => x.ConcurrencyToken, stamp), cancellationToken);
        if ((queue is null ? await claim() : await queue.WriteAsync(claim, cancellationToken)) == 0)
        {
            return false;
        }

        // What the database now holds, as if read: a later SaveChanges of this request writes nothing
        // for this row, and a later change to it (a revocation) checks the right concurrency stamp.
        var entry = db.Entry(token);
        token.Status = Statuses.Redeemed;
        token.RedemptionDate = now;
        token.ConcurrencyToken = stamp;
        entry.OriginalValues.SetValues(entry.CurrentValues);
        entry.State = EntityState.Unchanged;
        return true;
    }
}

/// <summary>
/// A code or refresh grant's writes in one transaction (per request, scoped): the redemption
/// <see cref="SingleUse"/> marked on the token's tracked row, and the rows of the tokens the grant
/// creates, which <see cref="AuthClientTokenStore"/> adds without saving while a redemption waits.
/// On PostgreSQL they are one statement, which needs no transaction around it (<see cref="OneStatementGrantWrite"/>).
/// Saved once every token is made and before the answer is written; when another request redeemed
/// or revoked the token meanwhile, nothing is written and the grant is refused as
/// <see cref="SingleUse"/> refused it before. A sign-in refused earlier saves nothing: the code or
/// refresh token stays as it was, and no token made for it exists.
/// </summary>
public sealed class GrantWrite(AppDbContext db) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .AddFilter<RequireCodeOrRefreshGrant>()
            .UseScopedHandler<GrantWrite>()
            // After the last token is made (and its row added), before the answer is applied (order 500,000).
            .SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private AuthClientToken? _redeemed;

    /// <summary>Whether a redemption waits to be written: new token rows are then added to it, not saved alone.</summary>
    public bool IsPending => _redeemed is not null;

    /// <summary>A redemption is marked on the token's tracked row: write it, and the new rows, at the end of the sign-in.</summary>
    public void Pending(AuthClientToken redeemed) => _redeemed = redeemed;

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (_redeemed is not { } redeemed)
        {
            return;
        }

        _redeemed = null;
        try
        {
            if (db.Database.IsNpgsql() && await OneStatementGrantWrite.TryWriteAsync(db, redeemed, context.CancellationToken) is { } written)
            {
                if (!written)
                {
                    context.Reject(Errors.InvalidGrant, SingleUse.AlreadyUsedDescription);
                }

                return;
            }

            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            context.Reject(Errors.InvalidGrant, SingleUse.AlreadyUsedDescription);
        }
    }
}

/// <summary>
/// Lets <see cref="SingleUse"/> and <see cref="GrantWrite"/> run only for a code or refresh grant at
/// the token endpoint. The dispatcher asks a filter before it builds the handler, so the other
/// sign-ins (client credentials above all, the most frequent request, and the authorization page)
/// no longer build them, with a database context and OpenIddict's token manager, only to return:
/// about 6 us of every client-credentials token (docs/performance.md, "fourteenth look").
/// </summary>
public sealed class RequireCodeOrRefreshGrant : IOpenIddictServerHandlerFilter<ProcessSignInContext>
{
    public ValueTask<bool> IsActiveAsync(ProcessSignInContext context) =>
        new(context.EndpointType == OpenIddictServerEndpointType.Token
            && (context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType()));
}
