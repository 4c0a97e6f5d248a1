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
/// @id AND Status = 'valid'</c>), which the database lets only one request win; the others are
/// refused. It runs where OpenIddict's redemption ran (early in sign-in, before any token is made),
/// for every path that answers these grants (<see cref="InlineTokenHandler"/> and the controller).
/// Before, the claim and OpenIddict's redemption were two updates of the same row. (OpenIddict's
/// handler also redeemed device and user codes: the device flow is not enabled here.)
/// </summary>
public sealed class SingleUse(AppDbContext db, IOpenIddictTokenManager tokens, SqliteWriteQueue? queue = null) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public const string AlreadyUsedDescription = "This code or refresh token has already been used.";

    /// <summary>OpenIddict's redemption, which this handler takes the place of.</summary>
    public static OpenIddictServerHandlerDescriptor Replaced { get; } = OpenIddictServerHandlers.RedeemTokenEntry.Descriptor;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<SingleUse>(services => new SingleUse(
                services.GetRequiredService<AppDbContext>(), services.GetRequiredService<IOpenIddictTokenManager>(), services.GetService<SqliteWriteQueue>()))
            .SetOrder(Replaced.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        var authentication = context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!);
        var grant = context.EndpointType != OpenIddictServerEndpointType.Token ? null
            : context.Request.IsAuthorizationCodeGrantType() ? authentication?.AuthorizationCodePrincipal
            : context.Request.IsRefreshTokenGrantType() ? authentication?.RefreshTokenPrincipal
            : null;
        if (grant?.GetTokenId() is not { Length: > 0 } tokenId)
        {
            return; // not a code or refresh grant, or a token without a row (OpenIddict's rule too)
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

        if (!await ClaimAsync(token, context.CancellationToken))
        {
            context.Reject(Errors.InvalidGrant, AlreadyUsedDescription);
        }
    }

    /// <returns>False when another request redeemed the token first.</returns>
    private async Task<bool> ClaimAsync(AuthClientToken token, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var stamp = Guid.NewGuid().ToString();
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
