using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Core;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// <c>private_key_jwt</c> client authentication (RFC 7523 2.2 and 3) at the token, introspection and
/// revocation endpoints, around OpenIddict's own validation of the <c>client_assertion</c>. OpenIddict
/// 7.8 checks the signature against <see cref="AuthClientApplicationManager.GetJsonWebKeySetAsync"/>
/// (the client's active public keys), the explicit type <c>typ: client-authentication+jwt</c>
/// (draft-ietf-oauth-rfc7523bis), the issuer as the only audience (since 7.0 the token endpoint URL is
/// refused: it let one server's assertions be replayed at another), and <c>iss</c> = <c>sub</c> =
/// <c>client_id</c>.
/// <para>
/// <see cref="Check"/> runs before OpenIddict's validation and refuses what OpenIddict lets through
/// or words differently: an algorithm other than RSA or ECDSA (so <c>alg: none</c> and HMAC are
/// refused outright), no <c>jti</c>, no <c>exp</c>, an expired assertion or one living longer than
/// <see cref="MaxLifetime"/> (from <c>iat</c>, or from now without one), another <c>typ</c>, an audience
/// other than the issuer (compared whole: scheme, host, port and path), <c>iss</c> or <c>sub</c> other
/// than the client, and a key that is not one of the client's: it finds which of the client's
/// public-key credentials signed it, so a revoked or expired key is named in the log.
/// </para>
/// <para>
/// <see cref="Accept"/> runs once OpenIddict has validated the assertion too: it records the
/// <c>jti</c> in <c>UsedClientAssertions</c> (a duplicate key is a replay, whichever instance saw the
/// first), and the use of the credential (<see cref="ClientUsage"/>).
/// </para>
/// Every refusal is answered as a wrong secret (<c>invalid_client</c>, same description), OpenIddict's
/// own included (<see cref="RefusalOf"/>, read by <see cref="ProtocolErrorHandler"/>); the reason is logged.
/// </summary>
public sealed class PrivateKeyJwt(
    OpenIddictApplicationManager<AuthClientApplication> manager,
    AppDbContext db,
    ClientUsage usage,
    UsedClientAssertionPruning pruning,
    TimeProvider clock) :
    IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    /// <summary>
    /// The longest an assertion may live: <c>exp</c> at most this long after <c>iat</c> (or after now
    /// when it has no <c>iat</c>). Five minutes is plenty for a client that makes one per request and
    /// keeps the table of used <c>jti</c>s short.
    /// </summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    /// <summary>How far the client's clock may be from ours, for <c>exp</c>, <c>iat</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The explicit type OpenIddict 7 requires of a client assertion (draft-ietf-oauth-rfc7523bis).</summary>
    public const string TokenType = "client-authentication+jwt";

    /// <summary>The <c>UsedClientAssertions.TokenId</c> column's length.</summary>
    public const int MaxTokenIdLength = 200;

    /// <summary>Asymmetric signatures only, on the key types <see cref="Features.AuthClients.PublicKeys"/> accepts.</summary>
    public static IReadOnlySet<string> Algorithms { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
    };

    private const string StateKey = ".authclients.client_assertion";

    public static OpenIddictServerHandlerDescriptor Check { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionValidated>()
            .UseScopedHandler<PrivateKeyJwt>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertion.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor Accept { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseScopedHandler<PrivateKeyJwt>()
            // After OpenIddict's own checks of the assertion (signature, claims, issuer, audience), before the client's.
            .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Where a request's assertion stands; kept in the OpenIddict transaction.</summary>
    private sealed record State(string? ClientId, bool Accepted, string? Refusal = null, Checked? Passed = null, string FailureReason = FailureReasons.BadAssertion);

    private sealed record Checked(string ApplicationId, string CredentialId, string TokenId, DateTime ExpiresAt);

    /// <summary>
    /// Why client authentication by assertion failed in this transaction, if it did; null when it
    /// succeeded or was not tried. <c>Reason</c> is the log line's text, <c>FailureReason</c> one of
    /// <see cref="FailureReasons"/> (a bad assertion, or an unknown client, a revoked or expired key).
    /// </summary>
    public static (string? ClientId, string Reason, string FailureReason)? RefusalOf(OpenIddictServerTransaction transaction, string? error, string? errorUri) =>
        error is null || !transaction.Properties.TryGetValue(StateKey, out var value) || value is not State { Accepted: false } state ? null
        : (state.ClientId, state.Refusal ?? $"client assertion refused by OpenIddict ({errorUri ?? error})", state.FailureReason);

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (string.IsNullOrEmpty(context.ClientAssertion))
        {
            return;
        }

        var state = context.Transaction.Properties.TryGetValue(StateKey, out var value) ? value as State : null;
        if (state is { Accepted: true })
        {
            return; // this request's assertion was already accepted (authentication asked twice)
        }

        if (state?.Passed is null)
        {
            await CheckAsync(context);

            // Before OpenIddict's validation (Check), stop here; should it ever have validated the
            // assertion without Check running first, go on to record it, never accept it unrecorded.
            state = context.Transaction.Properties[StateKey] as State;
            if (context.ClientAssertionPrincipal is null || state?.Passed is null)
            {
                return;
            }
        }

        var passed = state.Passed;

        if (!await RecordOnceAsync(passed, state.ClientId!, context.CancellationToken))
        {
            Refuse(context, state.ClientId, "replayed client assertion (its jti was used before)");
            return;
        }

        usage.Record(passed.ApplicationId, passed.CredentialId);
        context.Transaction.Properties[StateKey] = state with { Accepted = true };
    }

    private async Task CheckAsync(ProcessAuthenticationContext context)
    {
        JsonWebToken assertion;
        try
        {
            assertion = new JsonWebToken(context.ClientAssertion);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException)
        {
            Refuse(context, context.Request?.ClientId, "malformed client assertion");
            return;
        }

        // For the log: the client_id the request names, else the one the assertion claims.
        var clientId = context.Request?.ClientId is { Length: > 0 } requested ? requested : assertion.Issuer;
        var (refusal, passed, failureReason) = await CheckAsync(context, assertion);
        if (refusal is not null)
        {
            Refuse(context, clientId, refusal, failureReason);
            return;
        }

        context.Transaction.Properties[StateKey] = new State(clientId, Accepted: false, Passed: passed);
    }

    private async Task<(string? Refusal, Checked? Passed, string FailureReason)> CheckAsync(ProcessAuthenticationContext context, JsonWebToken assertion)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (context.ClientAssertionType != ClientAssertionTypes.JwtBearer)
        {
            return ("unsupported client_assertion_type", null, FailureReasons.BadAssertion);
        }

        if (assertion.IsEncrypted || !Algorithms.Contains(assertion.Alg))
        {
            return ($"client assertion signed with algorithm '{CallerText.Printable(assertion.IsEncrypted ? "encrypted" : assertion.Alg)}' (only RS*, PS*, ES256, ES384)", null, FailureReasons.BadAssertion);
        }

        if (!string.Equals(assertion.Typ, TokenType, StringComparison.OrdinalIgnoreCase))
        {
            return ($"client assertion of type '{CallerText.Printable(assertion.Typ)}' (it must be {TokenType})", null, FailureReasons.BadAssertion);
        }

        var (issuer, subject, requested) = (assertion.Issuer, assertion.Subject, context.Request?.ClientId);
        if (string.IsNullOrEmpty(issuer) || issuer != subject || (!string.IsNullOrEmpty(requested) && requested != issuer))
        {
            return ("client assertion whose iss and sub are not both the client_id", null, FailureReasons.BadAssertion);
        }

        if (string.IsNullOrEmpty(assertion.Id) || assertion.Id.Length > MaxTokenIdLength)
        {
            return ($"client assertion without a jti (or one longer than {MaxTokenIdLength} characters)", null, FailureReasons.BadAssertion);
        }

        if (LifetimeProblem(assertion, now) is { } lifetime)
        {
            return (lifetime, null, FailureReasons.BadAssertion);
        }

        if (Normalized((context.Options.Issuer ?? context.BaseUri)?.AbsoluteUri) is not { Length: > 0 } ours || !assertion.Audiences.Any(audience => Normalized(audience) == ours))
        {
            return ("client assertion for another audience (it must be the issuer)", null, FailureReasons.BadAssertion);
        }

        if (await manager.FindByClientIdAsync(issuer, context.CancellationToken) is not { } application)
        {
            return ("unknown client", null, FailureReasons.UnknownClient);
        }

        if (application.ClientType == ClientTypes.Public)
        {
            return ("public client (it has no credentials)", null, FailureReasons.BadAssertion);
        }

        var applications = (AuthClientApplicationManager)manager;
        var signer = await SignerAsync(assertion, await applications.CredentialsOfAsync(application, context.CancellationToken), now);
        if (signer is null && await applications.CredentialsReadAgainAsync(application, context.CancellationToken) is { } fresh)
        {
            // A key added on another instance since this one cached the client: OpenIddict's check,
            // next, reads the same fresh set (GetJsonWebKeySetAsync).
            signer = await SignerAsync(assertion, fresh, now);
        }
        if (signer is null)
        {
            return ("client assertion signed by none of the client's public keys", null, FailureReasons.BadAssertion);
        }

        if (signer.RefusalAt(now) is var refusal and not CredentialRefusal.None)
        {
            return ($"client assertion signed with its {refusal.ToString().ToLowerInvariant()} public key {signer.Id}", null,
                refusal == CredentialRefusal.Expired ? FailureReasons.ExpiredCredential : FailureReasons.RevokedCredential);
        }

        return (null, new Checked(application.Id!, signer.Id, assertion.Id, assertion.ValidTo), "");
    }

    private static string? LifetimeProblem(JsonWebToken assertion, DateTime now)
    {
        // JsonWebToken reads an absent time as DateTime.MinValue.
        var (expires, issued, notBefore) = (assertion.ValidTo, assertion.IssuedAt, assertion.ValidFrom);
        if (expires == DateTime.MinValue)
        {
            return "client assertion without exp";
        }

        if (expires <= now - ClockSkew)
        {
            return "expired client assertion";
        }

        if (issued > now + ClockSkew || notBefore > now + ClockSkew)
        {
            return "client assertion issued in the future (iat or nbf)";
        }

        var start = issued == DateTime.MinValue ? now : issued;
        return expires - start > MaxLifetime || expires - now > MaxLifetime + ClockSkew
            ? $"client assertion living longer than {MaxLifetime.TotalMinutes} minutes (exp after iat)"
            : null;
    }

    /// <summary>Scheme, host, port and path without a trailing slash; "" for anything else (a query, a fragment, not a URL).</summary>
    private static string? Normalized(string? audience) =>
        Uri.TryCreate(audience, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : "";

    /// <summary>
    /// The public-key credential whose key verifies the signature: active keys first (the same key may
    /// be registered again after it was revoked or expired), the one its <c>kid</c> names first among them.
    /// </summary>
    private static async Task<ClientCredentialEntry?> SignerAsync(JsonWebToken assertion, ClientCredentialSet credentials, DateTime now)
    {
        var kid = assertion.Kid;
        var handler = new JsonWebTokenHandler();
        var candidates = credentials.Entries.Where(e => e.PublicKey is not null)
            .OrderBy(e => e.RefusalAt(now) != CredentialRefusal.None)
            .ThenByDescending(e => kid is not null && e.PublicKey!.Kid == kid);
        foreach (var entry in candidates)
        {
            var result = await handler.ValidateTokenAsync(assertion.EncodedToken, new TokenValidationParameters
            {
                IssuerSigningKey = entry.PublicKey,
                ValidAlgorithms = Algorithms,
                ValidateIssuer = false,
                ValidateAudience = false,
                ValidateLifetime = false,
                RequireExpirationTime = false,
                TryAllIssuerSigningKeys = true,
            });
            if (result.IsValid)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Inserts the <c>jti</c>; false when it is there already (a replay, whichever instance saw it first).</summary>
    private async Task<bool> RecordOnceAsync(Checked passed, string clientId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (pruning.IsDue(now))
        {
            var horizon = now - ClockSkew;
            await db.UsedClientAssertions.Where(a => a.ExpiresAt < horizon).ExecuteDeleteAsync(cancellationToken);
        }

        // Kept until the assertion could no longer pass the expiry check anyway.
        var row = new UsedClientAssertion { ClientId = clientId, TokenId = passed.TokenId, ExpiresAt = passed.ExpiresAt + ClockSkew };
        db.UsedClientAssertions.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // A duplicate key; anything else (the database down) is not a replay and fails the request.
            if (await db.UsedClientAssertions.AsNoTracking().AnyAsync(a => a.ClientId == clientId && a.TokenId == passed.TokenId, cancellationToken))
            {
                return false;
            }

            throw;
        }
        finally
        {
            // Never saved again by a later SaveChanges of this request (OpenIddict's token entries share the context).
            db.Entry(row).State = EntityState.Detached;
        }
    }

    private static void Refuse(ProcessAuthenticationContext context, string? clientId, string reason, string failureReason = FailureReasons.BadAssertion)
    {
        context.Transaction.Properties[StateKey] = new State(clientId, Accepted: false, Refusal: reason, FailureReason: failureReason);
        context.Reject(error: Errors.InvalidClient, description: ProtocolErrorHandler.InvalidCredentialsDescription, uri: ProtocolErrorHandler.InvalidCredentialsUri);
    }
}

/// <summary>
/// When this instance last deleted the expired rows of <c>UsedClientAssertions</c>: at most every
/// <see cref="Interval"/>, from a request that records an assertion (one statement on an index).
/// </summary>
public sealed class UsedClientAssertionPruning
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private long _nextTicks;

    public bool IsDue(DateTime now)
    {
        var next = Interlocked.Read(ref _nextTicks);
        return now.Ticks >= next && Interlocked.CompareExchange(ref _nextTicks, (now + Interval).Ticks, next) == next;
    }
}
