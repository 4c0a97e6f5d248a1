using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace AuthClients.Bench;

/// <summary>A client the load driver authenticates as.</summary>
internal sealed record BenchClient(string ClientId, string Secret);

/// <summary>
/// Writes clients straight into the app's SQLite file, the way the app would (sequential numbers
/// from ClientNumbers, OpenIddict's JSON columns), much faster than through the pages.
/// Their secret verifiers are OpenIddict's PBKDF2 format, as if created before the HMAC switch:
/// the optimised app upgrades them on first use, the baseline keeps them.
/// </summary>
internal static class Seeder
{
    public const string TokenPermissions = "[\"ept:token\",\"gt:client_credentials\"]";
    private static readonly string[] Words = ["Acme", "Billing", "Catalog", "Delivery", "Export", "Fleet", "Gateway", "Harbor", "Invoice", "Journal", "Kiosk", "Ledger", "Mobile", "Notify", "Orders", "Payroll"];

    public static async Task<IReadOnlyList<BenchClient>> AddTokenClientsAsync(string databasePath, int count)
    {
        var clients = new List<BenchClient>();
        var rows = new List<Row>();
        for (var i = 0; i < count; i++)
        {
            var (secret, verifier) = NewSecret();
            rows.Add(new Row($"Load test client {i + 1} {Guid.NewGuid():N}", null, verifier));
            clients.Add(new BenchClient("", secret));
        }

        var ids = await InsertAsync(databasePath, rows);
        return clients.Select((c, i) => c with { ClientId = ids[i] }).ToList();
    }

    /// <summary>Many clients for the list page: varied names, most with a redirect URI, one shared (unusable) verifier.</summary>
    public static async Task AddListClientsAsync(string databasePath, int count)
    {
        var verifier = Pbkdf2Verifier(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
        var random = new Random(42);
        var rows = new List<Row>(count);
        for (var i = 1; i <= count; i++)
        {
            var name = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} {i.ToString(CultureInfo.InvariantCulture)}";
            var redirect = i % 10 < 7 ? $"https://app{i.ToString(CultureInfo.InvariantCulture)}.example.com/callback" : null;
            rows.Add(new Row(name, redirect, verifier));
        }

        await InsertAsync(databasePath, rows);
    }

    private static async Task<List<string>> InsertAsync(string databasePath, List<Row> rows)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();

        var number = connection.CreateCommand();
        number.Transaction = transaction;
        number.CommandText = "INSERT INTO ClientNumbers (AllocatedAt) VALUES ($at); SELECT last_insert_rowid();";
        var at = number.Parameters.Add("$at", SqliteType.Text);

        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO OpenIddictApplications
              (Id, Number, NormalizedName, PrimaryRedirectUri, CreatedAt, CreatedById, ApplicationType, ClientId, ClientSecret,
               ClientType, ConcurrencyToken, ConsentType, DisplayName, Permissions, RedirectUris, Requirements, SearchText)
            VALUES ($id, $number, $normalized, $primary, $created, NULL, NULL, $clientId, $secret,
               'confidential', $concurrency, 'explicit', $name, $permissions, $redirects, '[]', $search);
            -- The secret authentication checks is the client's credential (as the app's migration writes it).
            INSERT INTO AuthClientCredentials (Id, ApplicationId, Kind, Label, SecretVerifier, CreatedAt, CreatedByName)
            VALUES ($id, $id, 'Secret', 'Secret', $secret, $created, '')
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$id", "$number", "$normalized", "$primary", "$created", "$clientId", "$secret", "$concurrency", "$name", "$permissions", "$redirects", "$search" })
        {
            p[name] = insert.Parameters.Add(name, SqliteType.Text);
        }

        var ids = new List<string>(rows.Count);
        var created = DateTime.UtcNow.AddDays(-rows.Count / 1000.0);
        foreach (var row in rows)
        {
            created = created.AddSeconds(86.4);
            var createdText = created.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            at.Value = createdText;
            var clientNumber = (long)(await number.ExecuteScalarAsync())!;
            var clientId = clientNumber.ToString(CultureInfo.InvariantCulture);
            p["$id"].Value = Guid.NewGuid().ToString();
            p["$number"].Value = clientNumber;
            p["$normalized"].Value = row.Name.ToUpperInvariant();
            p["$primary"].Value = (object?)row.RedirectUri ?? DBNull.Value;
            p["$created"].Value = createdText;
            p["$clientId"].Value = clientId;
            p["$secret"].Value = row.Verifier;
            p["$concurrency"].Value = Guid.NewGuid().ToString();
            p["$name"].Value = row.Name;
            p["$permissions"].Value = TokenPermissions;
            p["$redirects"].Value = row.RedirectUri is null ? "[]" : $"[\"{row.RedirectUri}\"]";
            // As AuthClientSearch.TextFor writes it; the app's triggers copy it into the trigram index.
            p["$search"].Value = row.RedirectUri is null ? row.Name.ToUpperInvariant() : $"{row.Name}\n{row.RedirectUri}".ToUpperInvariant();
            await insert.ExecuteNonQueryAsync();
            ids.Add(clientId);
        }

        await transaction.CommitAsync();
        return ids;
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

    private sealed record Row(string Name, string? RedirectUri, string Verifier);
}
