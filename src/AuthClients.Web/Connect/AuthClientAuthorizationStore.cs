using AuthClients.Web.Data.Entities;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's Entity Framework Core authorization store, except that an authorization's client id
/// comes from its foreign key (<see cref="ClientKeys"/>). OpenIddict's authorization cache asks for it
/// whenever it remembers an authorization (a code exchange or refresh checks the grant's
/// authorization), and OpenIddict's store answers by loading the client's row when the authorization
/// was read without it, as <see cref="AuthClientTokenStore"/> reads it. Off in the baseline.
/// </summary>
public sealed class AuthClientAuthorizationStore(
    IMemoryCache cache,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreAuthorizationStore<AuthClientAuthorization, AuthClientApplication, AuthClientToken, string>(cache, context, options)
{
    public override async ValueTask<string?> GetApplicationIdAsync(AuthClientAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return authorization.Application?.Id ?? ClientKeys.Of(await Context.GetDbContextAsync(cancellationToken), authorization);
    }
}
