using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AuthClients.Web.Features.SecondFactor;

/// <summary>
/// A user's unused recovery codes as the database keeps them: salted PBKDF2 hashes, never the codes.
/// Stored as <c>pbkdf2-sha256$iterations$salt$hash;hash;...</c> (base64), one salt per set of codes.
/// A value without that prefix is Identity's own plain "CODE1;CODE2" list, written before: it is
/// still read, and the first code redeemed from it rewrites the rest hashed.
/// </summary>
/// <remarks>
/// Why stretched, when the client secrets have a plain keyed hash: Identity's codes are random but
/// short, 8 characters of a 26-letter alphabet (about 38 bits), so a fast hash of a stolen row is
/// tried against every possible code in seconds. 100,000 iterations of PBKDF2 make that some two
/// weeks of a high-end GPU per user, and the per-set salt stops one search serving every user. The
/// cost here: 10 hashes when codes are made, one per attempt, and the lockout keeps attempts few.
/// </remarks>
public sealed class RecoveryCodeHashes
{
    private const string Prefix = "pbkdf2-sha256$";
    private const int Iterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly int _iterations;
    private readonly byte[] _salt;
    private readonly List<byte[]>? _hashes;
    private readonly List<string>? _plainCodes;

    private RecoveryCodeHashes(int iterations, byte[] salt, List<byte[]>? hashes, List<string>? plainCodes)
    {
        _iterations = iterations;
        _salt = salt;
        _hashes = hashes;
        _plainCodes = plainCodes;
    }

    public int Count => _hashes?.Count ?? _plainCodes!.Count;

    /// <summary>
    /// The form a code is compared in: people type a code in lower case, without its dash, with
    /// spaces, or with a dash elsewhere; Identity makes them in upper case with one dash
    /// ("ABCDE-FGHJK"), so only the letters and digits, in upper case, count.
    /// </summary>
    public static string Normalize(string code)
    {
        var text = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (!char.IsWhiteSpace(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.DashPunctuation)
            {
                text.Append(char.ToUpperInvariant(c));
            }
        }

        return text.ToString();
    }

    /// <summary>New codes, hashed under a new salt.</summary>
    public static RecoveryCodeHashes Hash(IEnumerable<string> codes)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new RecoveryCodeHashes(Iterations, salt, codes.Select(code => HashOf(Normalize(code), salt, Iterations)).ToList(), plainCodes: null);
    }

    /// <summary>What the store holds: hashed codes, or an older row's plain ones; none for null or "".</summary>
    public static RecoveryCodeHashes Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return new RecoveryCodeHashes(Iterations, [], [], plainCodes: null);
        }

        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return new RecoveryCodeHashes(Iterations, [], hashes: null, stored.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList());
        }

        var parts = stored[Prefix.Length..].Split('$');
        // The row names its own iteration count, so raising Iterations later leaves older rows working.
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            throw new FormatException("The stored recovery codes are in an unknown form.");
        }

        var hashes = parts[2].Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Convert.FromBase64String).ToList();
        return new RecoveryCodeHashes(iterations, Convert.FromBase64String(parts[1]), hashes, plainCodes: null);
    }

    /// <summary>
    /// When <paramref name="code"/> is one of these, the others (always hashed, so an older plain
    /// row is upgraded by its first use); otherwise null.
    /// </summary>
    public RecoveryCodeHashes? Redeem(string code)
    {
        var typed = Normalize(code);
        if (typed.Length == 0 || Count == 0)
        {
            return null;
        }

        if (_plainCodes is not null)
        {
            var index = _plainCodes.FindIndex(stored => FixedTimeEquals(Normalize(stored), typed));
            return index < 0 ? null : Hash(_plainCodes.Where((_, i) => i != index));
        }

        var hash = HashOf(typed, _salt, _iterations);
        var match = _hashes!.FindIndex(stored => CryptographicOperations.FixedTimeEquals(stored, hash));
        return match < 0 ? null : new RecoveryCodeHashes(_iterations, _salt, _hashes.Where((_, i) => i != match).ToList(), plainCodes: null);
    }

    public override string ToString() =>
        _plainCodes is not null
            ? Hash(_plainCodes).ToString()
            : $"{Prefix}{_iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(_salt)}${string.Join(';', _hashes!.Select(Convert.ToBase64String))}";

    private static byte[] HashOf(string normalizedCode, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(normalizedCode, salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
