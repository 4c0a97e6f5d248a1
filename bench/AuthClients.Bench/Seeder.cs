using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Data.Common;

namespace AuthClients.Bench;

/// <summary>A client the load driver authenticates as.</summary>
internal sealed record BenchClient(string ClientId, string Secret);

/// <summary>
/// Writes clients straight into the app's database (SQLite or PostgreSQL), the way the app would
/// (sequential numbers from ClientNumbers, OpenIddict's JSON columns), much faster than through the pages.
/// Their secret verifiers are OpenIddict's PBKDF2 format, as if created before the HMAC switch:
/// the optimised app upgrades them on first use, the baseline keeps them.
/// </summary>
internal static class Seeder
{
    public const string TokenPermissions = "[\"ept:token\",\"gt:client_credentials\"]";
    private static readonly string[] Words = ["Acme", "Billing", "Catalog", "Delivery", "Export", "Fleet", "Gateway", "Harbor", "Invoice", "Journal", "Kiosk", "Ledger", "Mobile", "Notify", "Orders", "Payroll"];

    /// <summary><paramref name="count"/> confidential clients allowed client_credentials, each with its own secret (PBKDF2 verifiers).</summary>
    public static async Task<IReadOnlyList<BenchClient>> AddTokenClientsAsync(BenchDatabase database, int count)
    {
        var clients = new List<BenchClient>();
        var rows = new List<Row>();
        for (var i = 0; i < count; i++)
        {
            var (secret, verifier) = NewSecret();
            rows.Add(new Row($"Load test client {i + 1} {Guid.NewGuid():N}", null, verifier, TokenPermissions));
            clients.Add(new BenchClient("", secret));
        }

        var ids = await InsertAsync(database, rows);
        return clients.Select((c, i) => c with { ClientId = ids[i] }).ToList();
    }

    /// <summary>
    /// A confidential client a user signs in to: the authorization code flow with PKCE to
    /// <paramref name="redirectUri"/>, refresh tokens, the OpenID Connect and API-read scopes.
    /// </summary>
    public static async Task<BenchClient> AddUserFlowClientAsync(BenchDatabase database, string redirectUri)
    {
        var (secret, verifier) = NewSecret();
        var permissions = "[\"ept:authorization\",\"ept:token\",\"gt:authorization_code\",\"gt:refresh_token\",\"rst:code\"," +
            "\"scp:openid\",\"scp:offline_access\",\"scp:auth_clients.read\"]";
        var ids = await InsertAsync(database, [new Row($"User flow client {Guid.NewGuid():N}", redirectUri, verifier, permissions)]);
        return new BenchClient(ids[0], secret);
    }

    /// <summary>
    /// Many clients for the list page and the round-robin token run, in one set-based INSERT per
    /// table (a recursive CTE on SQLite, <c>generate_series</c> on PostgreSQL): names of two of
    /// <see cref="Words"/> and the Client ID, 70% with a redirect URI, created over the past years,
    /// and last used as an installation sees it: 15% never, 20% between 91 days and 2 years ago,
    /// 65% within the last 90 days. All of them share one secret and its <paramref name="verifier"/>
    /// (so the driver need not hash a secret per client). Then the statistics are refreshed.
    /// </summary>
    public static async Task AddListClientsAsync(BenchDatabase database, int count, string verifier)
    {
        await using var connection = await database.OpenAsync();
        var before = Convert.ToInt64(await ScalarAsync(connection, "SELECT COALESCE(MAX(\"Number\"), 0) FROM \"ClientNumbers\""), CultureInfo.InvariantCulture);
        var sql = database.IsPostgreSql ? PostgreSqlList : SqliteList;
        foreach (var statement in sql.Split("\n;\n", StringSplitOptions.RemoveEmptyEntries))
        {
            await using var command = connection.CreateCommand();
            command.CommandTimeout = 1800;
            command.CommandText = statement
                .Replace("{count}", count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{before}", before.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{words}", string.Join(",", Words.Select(w => $"'{w}'")), StringComparison.Ordinal)
                .Replace("{wordsJson}", "[" + string.Join(",", Words.Select(w => $"\"{w}\"")) + "]", StringComparison.Ordinal);
            var parameter = command.CreateParameter();
            parameter.ParameterName = "verifier";
            parameter.Value = verifier;
            command.Parameters.Add(parameter);
            var permissions = command.CreateParameter();
            permissions.ParameterName = "permissions";
            permissions.Value = TokenPermissions;
            command.Parameters.Add(permissions);
            await command.ExecuteNonQueryAsync();
        }
    }

    // The per-client hash h (Knuth's multiplicative hash of the number) picks the name's words and the last use.
    private const string SqliteList = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
        INSERT INTO "ClientNumbers" ("AllocatedAt") SELECT strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (({count} - i) * 60) || ' seconds') FROM n
        ;
        INSERT INTO "OpenIddictApplications"
          ("Id", "Number", "NormalizedName", "PrimaryRedirectUri", "CreatedAt", "ClientId", "ClientSecret", "ClientType", "ConcurrencyToken",
           "ConsentType", "DisplayName", "Permissions", "RedirectUris", "Requirements", "SearchText", "LastUsedAt", "LastUsedFrom")
        SELECT id, "Number", upper(name), redirect, "AllocatedAt", CAST("Number" AS TEXT), @verifier, 'confidential', id,
           'explicit', name, @permissions, CASE WHEN redirect IS NULL THEN '[]' ELSE '["' || redirect || '"]' END, '[]',
           upper(CASE WHEN redirect IS NULL THEN name ELSE name || char(10) || redirect END),
           CASE WHEN h % 100 < 15 THEN NULL
                WHEN h % 100 < 35 THEN strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (91 + h % 640) || ' days')
                ELSE strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (h % 7776000) || ' seconds') END,
           CASE WHEN h % 100 < 15 THEN NULL ELSE '10.' || (h % 250) || '.' || ("Number" % 250) || '.1' END
        FROM (SELECT "Number", "AllocatedAt", h,
                     json_extract('{wordsJson}', '$[' || (h / 100 % 16) || ']') || ' ' || json_extract('{wordsJson}', '$[' || (h / 1600 % 16) || ']') || ' ' || "Number" AS name,
                     CASE WHEN "Number" % 10 < 7 THEN 'https://app' || "Number" || '.example.com/callback' END AS redirect,
                     lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) AS id
              FROM (SELECT "Number", "AllocatedAt", ("Number" * 2654435761) % 4294967296 / 7 AS h FROM "ClientNumbers" WHERE "Number" > {before}))
        ;
        INSERT INTO "AuthClientCredentials" ("Id", "ApplicationId", "Kind", "Label", "SecretVerifier", "CreatedAt", "CreatedByName", "LastUsedAt", "LastUsedFrom")
        SELECT "Id", "Id", 'Secret', 'Secret', @verifier, "CreatedAt", '', "LastUsedAt", "LastUsedFrom" FROM "OpenIddictApplications" WHERE "Number" > {before}
        ;
        ANALYZE
        """;

    // The last CHECKPOINT writes out now what the seeding left in PostgreSQL's buffers, instead of
    // the server's background checkpoint doing it while the first list pages are timed.
    // The row trigger that keeps AuthClientTotals is off during the one big INSERT and the total is
    // set once after it (with its change counter, as the trigger would: AuthClientTotal.Changes): fired a million times in one transaction, each firing updates the same row,
    // whose version chain PostgreSQL walks every time (the 1,000,000-client seeding ran 30 minutes
    // into its command timeout). The app inserts clients one by one, where the trigger costs one update.
    private const string PostgreSqlList = """
        INSERT INTO "ClientNumbers" ("AllocatedAt") SELECT now() - ({count} - i) * interval '60 seconds' FROM generate_series(1, {count}) AS i
        ;
        ALTER TABLE "OpenIddictApplications" DISABLE TRIGGER "AuthClientTotal_Count"
        ;
        INSERT INTO "OpenIddictApplications"
          ("Id", "Number", "NormalizedName", "PrimaryRedirectUri", "CreatedAt", "ClientId", "ClientSecret", "ClientType", "ConcurrencyToken",
           "ConsentType", "DisplayName", "Permissions", "RedirectUris", "Requirements", "SearchText", "LastUsedAt", "LastUsedFrom")
        SELECT id, "Number", upper(name), redirect, "AllocatedAt", "Number"::text, @verifier, 'confidential', id,
           'explicit', name, @permissions, CASE WHEN redirect IS NULL THEN '[]' ELSE '["' || redirect || '"]' END, '[]',
           upper(CASE WHEN redirect IS NULL THEN name ELSE name || chr(10) || redirect END),
           CASE WHEN h % 100 < 15 THEN NULL
                WHEN h % 100 < 35 THEN now() - (91 + h % 640) * interval '1 day'
                ELSE now() - (h % 7776000) * interval '1 second' END,
           CASE WHEN h % 100 < 15 THEN NULL ELSE '10.' || (h % 250) || '.' || ("Number" % 250) || '.1' END
        FROM (SELECT "Number", "AllocatedAt", h,
                     (ARRAY[{words}])[(1 + h / 100 % 16)::int] || ' ' || (ARRAY[{words}])[(1 + h / 1600 % 16)::int] || ' ' || "Number" AS name,
                     CASE WHEN "Number" % 10 < 7 THEN 'https://app' || "Number" || '.example.com/callback' END AS redirect,
                     gen_random_uuid()::text AS id
              FROM (SELECT "Number", "AllocatedAt", ("Number" * 2654435761) % 4294967296 / 7 AS h FROM "ClientNumbers" WHERE "Number" > {before}) hashed) named
        ;
        UPDATE "AuthClientTotals" SET "Count" = (SELECT COUNT(*) FROM "OpenIddictApplications"), "Changes" = "Changes" + 1 WHERE "Id" = 1
        ;
        ALTER TABLE "OpenIddictApplications" ENABLE TRIGGER "AuthClientTotal_Count"
        ;
        INSERT INTO "AuthClientCredentials" ("Id", "ApplicationId", "Kind", "Label", "SecretVerifier", "CreatedAt", "CreatedByName", "LastUsedAt", "LastUsedFrom")
        SELECT "Id", "Id", 'Secret', 'Secret', @verifier, "CreatedAt", '', "LastUsedAt", "LastUsedFrom" FROM "OpenIddictApplications" WHERE "Number" > {before}
        ;
        VACUUM ANALYZE
        ;
        CHECKPOINT
        """;

    /// <summary>The Client IDs of up to <paramref name="count"/> of the list's clients, spread over all of them.</summary>
    public static async Task<IReadOnlyList<string>> ListClientIdsAsync(BenchDatabase database, int count)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"ClientId\" FROM \"OpenIddictApplications\" WHERE \"DisplayName\" NOT LIKE 'Load test client %' AND \"DisplayName\" NOT LIKE 'User flow client %' ORDER BY \"Number\"";
        var all = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                all.Add(reader.GetString(0));
            }
        }

        var step = Math.Max(1, all.Count / count);
        return all.Where((_, i) => i % step == 0).Take(count).ToList();
    }

    /// <summary>The credential's verifier as the app keeps it now (after an upgrade on use, its HMAC).</summary>
    public static async Task<string> VerifierAsync(BenchDatabase database, string clientId)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT c.\"SecretVerifier\" FROM \"AuthClientCredentials\" c JOIN \"OpenIddictApplications\" a ON a.\"Id\" = c.\"ApplicationId\" WHERE a.\"ClientId\" = @id";
        var id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = clientId;
        command.Parameters.Add(id);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>One row at a time, as the app writes a client: a number from ClientNumbers, the application, its secret credential (SQL both providers read).</summary>
    private static async Task<List<string>> InsertAsync(BenchDatabase database, List<Row> rows)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ids = new List<string>(rows.Count);
        foreach (var row in rows)
        {
            var created = DateTime.UtcNow;
            await using var number = connection.CreateCommand();
            number.Transaction = transaction;
            number.CommandText = "INSERT INTO \"ClientNumbers\" (\"AllocatedAt\") VALUES (@at) RETURNING \"Number\"";
            Add(number, "at", created);
            var clientId = Convert.ToInt64(await number.ExecuteScalarAsync(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO "OpenIddictApplications"
                  ("Id", "Number", "NormalizedName", "PrimaryRedirectUri", "CreatedAt", "ClientId", "ClientSecret",
                   "ClientType", "ConcurrencyToken", "ConsentType", "DisplayName", "Permissions", "RedirectUris", "Requirements", "SearchText")
                VALUES (@id, @number, @normalized, @primary, @created, @clientId, @secret,
                   'confidential', @concurrency, 'explicit', @name, @permissions, @redirects, '[]', @search);
                -- The secret authentication checks is the client's credential (as the app's migration writes it).
                INSERT INTO "AuthClientCredentials" ("Id", "ApplicationId", "Kind", "Label", "SecretVerifier", "CreatedAt", "CreatedByName")
                VALUES (@id, @id, 'Secret', 'Secret', @secret, @created, '')
                """;
            var id = Guid.NewGuid().ToString();
            Add(insert, "id", id);
            Add(insert, "number", long.Parse(clientId, CultureInfo.InvariantCulture));
            Add(insert, "normalized", row.Name.ToUpperInvariant());
            Add(insert, "primary", (object?)row.RedirectUri ?? DBNull.Value);
            Add(insert, "created", created);
            Add(insert, "clientId", clientId);
            Add(insert, "secret", row.Verifier);
            Add(insert, "concurrency", Guid.NewGuid().ToString());
            Add(insert, "name", row.Name);
            Add(insert, "permissions", row.Permissions);
            Add(insert, "redirects", row.RedirectUri is null ? "[]" : $"[\"{row.RedirectUri}\"]");
            // As AuthClientSearch.TextFor writes it; the app's triggers (SQLite) or index (PostgreSQL) take it from there.
            Add(insert, "search", row.RedirectUri is null ? row.Name.ToUpperInvariant() : $"{row.Name}\n{row.RedirectUri}".ToUpperInvariant());
            await insert.ExecuteNonQueryAsync();
            ids.Add(clientId);
        }

        await transaction.CommitAsync();
        return ids;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A new secret and its PBKDF2 verifier.</summary>
    public static (string Secret, string Verifier) NewSecret()
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (secret, Pbkdf2Verifier(secret));
    }

    /// <summary>OpenIddict 7.8's default verifier: 0x01, PRF SHA-256, 10,000 iterations, 16-byte salt, 32-byte subkey.</summary>
    private static string Pbkdf2Verifier(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var subkey = Rfc2898DeriveBytes.Pbkdf2(secret, salt, 10_000, HashAlgorithmName.SHA256, 32);
        var blob = new byte[13 + salt.Length + subkey.Length];
        blob[0] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(1, 4), 1);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(5, 4), 10_000);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(9, 4), (uint)salt.Length);
        salt.CopyTo(blob.AsSpan(13));
        subkey.CopyTo(blob.AsSpan(13 + salt.Length));
        return Convert.ToBase64String(blob);
    }

    private sealed record Row(string Name, string? RedirectUri, string Verifier, string Permissions);
}
