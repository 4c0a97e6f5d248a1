using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Connect;

public enum SecretHashing { HmacSha256, Pbkdf2 }

public enum AccessTokenAlgorithm { ES256, RS256 }

public enum SqliteSynchronous { Full, Normal }

/// <summary>
/// The <c>OAuthServer:Performance</c> section: how the token endpoint trades work for speed.
/// Every setting keeps the security properties of docs/security.md; <see cref="Baseline"/> puts
/// back OpenIddict's defaults so the benchmark (bench/run.sh) can measure both side by side.
/// </summary>
public sealed class TokenPerformanceOptions : IValidatableObject
{
    public const string Section = "OAuthServer:Performance";

    /// <summary>
    /// OpenIddict's defaults, as if none of the settings below existed: PBKDF2 client secret
    /// verifiers, a database row for every access token, RS256 signatures, no client cache,
    /// SQLite's own locking and full synchronous commits.
    /// </summary>
    public bool Baseline { get; set; }

    /// <summary>How new client secret verifiers are written. Both kinds are always accepted.</summary>
    public SecretHashing SecretHashing { get; set; } = SecretHashing.HmacSha256;

    /// <summary>Rewrite a PBKDF2 verifier as an HMAC one the first time its secret is used.</summary>
    public bool UpgradeVerifiersOnUse { get; set; } = true;

    /// <summary>The signature of access tokens (ID tokens stay RS256, the OpenID Connect default).</summary>
    public AccessTokenAlgorithm AccessTokenAlgorithm { get; set; } = AccessTokenAlgorithm.ES256;

    /// <summary>
    /// Write a database row for each client-credentials access token. Refresh tokens, codes and
    /// user access tokens always get one.
    /// </summary>
    public bool StoreClientCredentialsAccessTokens { get; set; }

    /// <summary>Answer client_credentials requests inside OpenIddict instead of routing them to the MVC controller.</summary>
    public bool HandleClientCredentialsInline { get; set; } = true;

    /// <summary>Answer authorization_code and refresh_token requests inside OpenIddict instead of routing them to the MVC controller.</summary>
    public bool HandleUserGrantsInline { get; set; } = true;

    /// <summary>Find the OpenIddict server's handlers of each event type once (<see cref="IndexedServerDispatcher"/>), not among all of them on every event.</summary>
    public bool IndexServerHandlers { get; set; } = true;

    /// <summary>
    /// PostgreSQL: prepare the statements of code and refresh grants on the server (<see cref="Hosting.PreparedGrantStatements"/>).
    /// Off behind a pooler that does not keep prepared statements (PgBouncer in transaction mode before 1.21).
    /// SQLite: run the tagged reads among them on kept connections, each compiled once (<see cref="Hosting.SqliteKeptStatements"/>).
    /// </summary>
    public bool PrepareGrantStatements { get; set; } = true;

    /// <summary>
    /// Write a database row for each access token and ID token issued to a user under an
    /// authorization (code and refresh grants). Without one, the API, introspection and OpenIddict
    /// (an <c>id_token_hint</c>) check the token against its authorization instead, which a
    /// revocation or a refresh token's reuse revokes.
    /// </summary>
    public bool StoreUserAccessTokens { get; set; }

    /// <summary>
    /// SQLite only: one write (SaveChanges) at a time from this process, queued in memory, instead
    /// of concurrent writers retrying SQLite's lock with 150 ms sleeps.
    /// </summary>
    public bool SerializeSqliteWrites { get; set; } = true;

    /// <summary>
    /// SQLite only: <c>PRAGMA synchronous</c> of every connection. <c>Normal</c> (with the write-ahead
    /// log) does not wait for the disk at each commit; a power cut (not a crash of the app) can lose
    /// the last commits. <c>Full</c> is SQLite's default.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>
    /// How long an instance may use its in-memory copy of a client (token endpoint, API) before
    /// reading it again. Changes made on this instance apply at once; changes made on another
    /// instance within this bound. Zero turns the cache off.
    /// </summary>
    public TimeSpan ClientCacheLifetime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many clients are cached at once.</summary>
    [Range(100, 10_000_000, ErrorMessage = "OAuthServer:Performance:ClientCacheSize must be between 100 and 10,000,000.")]
    public int ClientCacheSize { get; set; } = 100_000;

    /// <summary>
    /// How long the API remembers that an access token's signature is good (never past the token's
    /// expiry). Zero: every call verifies the signature.
    /// </summary>
    public TimeSpan VerifiedTokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many verified tokens are remembered at once.</summary>
    [Range(100, 10_000_000, ErrorMessage = "OAuthServer:Performance:VerifiedTokenCacheSize must be between 100 and 10,000,000.")]
    public int VerifiedTokenCacheSize { get; set; } = 20_000;

    /// <summary>
    /// How long the API may use its copy of what it checks for a user's token: the user's access
    /// (active, permissions) and whether the token's authorization is valid (<see cref="Authorization.AccessStateCache"/>).
    /// Changes made on this instance apply at once; changes made on another instance (or straight
    /// in the database) within this bound. Zero: read on every call.
    /// </summary>
    public TimeSpan UserAccessCacheLifetime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many users' and authorizations' answers are remembered at once.</summary>
    [Range(100, 10_000_000, ErrorMessage = "OAuthServer:Performance:UserAccessCacheSize must be between 100 and 10,000,000.")]
    public int UserAccessCacheSize { get; set; } = 20_000;

    public static readonly TimeSpan MaxClientCacheLifetime = TimeSpan.FromSeconds(30);

    public SecretHashing EffectiveSecretHashing => Baseline ? SecretHashing.Pbkdf2 : SecretHashing;

    public bool EffectiveUpgradeVerifiersOnUse => !Baseline && UpgradeVerifiersOnUse && SecretHashing == SecretHashing.HmacSha256;

    public AccessTokenAlgorithm EffectiveAccessTokenAlgorithm => Baseline ? AccessTokenAlgorithm.RS256 : AccessTokenAlgorithm;

    public bool EffectiveStoreClientCredentialsAccessTokens => Baseline || StoreClientCredentialsAccessTokens;

    public bool EffectiveHandleClientCredentialsInline => !Baseline && HandleClientCredentialsInline;

    public bool EffectiveHandleUserGrantsInline => !Baseline && HandleUserGrantsInline;

    public bool EffectiveIndexServerHandlers => !Baseline && IndexServerHandlers;

    public bool EffectivePrepareGrantStatements => !Baseline && PrepareGrantStatements;

    public bool EffectiveStoreUserAccessTokens => Baseline || StoreUserAccessTokens;

    public bool EffectiveSerializeSqliteWrites => !Baseline && SerializeSqliteWrites;

    public SqliteSynchronous EffectiveSqliteSynchronous => Baseline ? SqliteSynchronous.Full : SqliteSynchronous;

    public TimeSpan EffectiveClientCacheLifetime => Baseline ? TimeSpan.Zero : ClientCacheLifetime;

    public TimeSpan EffectiveVerifiedTokenCacheLifetime => Baseline ? TimeSpan.Zero : VerifiedTokenCacheLifetime;

    public TimeSpan EffectiveUserAccessCacheLifetime => Baseline ? TimeSpan.Zero : UserAccessCacheLifetime;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientCacheLifetime < TimeSpan.Zero || ClientCacheLifetime > MaxClientCacheLifetime)
        {
            yield return new ValidationResult(
                $"OAuthServer:Performance:ClientCacheLifetime must be between 00:00:00 (off) and {MaxClientCacheLifetime:c}: it is how long another instance may still accept a deleted client.",
                [nameof(ClientCacheLifetime)]);
        }

        if (UserAccessCacheLifetime < TimeSpan.Zero || UserAccessCacheLifetime > MaxClientCacheLifetime)
        {
            yield return new ValidationResult(
                $"OAuthServer:Performance:UserAccessCacheLifetime must be between 00:00:00 (off) and {MaxClientCacheLifetime:c}: it is how long another instance may still accept a token whose user was deactivated or whose consent was revoked.",
                [nameof(UserAccessCacheLifetime)]);
        }

        if (VerifiedTokenCacheLifetime < TimeSpan.Zero || VerifiedTokenCacheLifetime > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult(
                "OAuthServer:Performance:VerifiedTokenCacheLifetime must be between 00:00:00 (off) and 01:00:00.",
                [nameof(VerifiedTokenCacheLifetime)]);
        }
    }
}
