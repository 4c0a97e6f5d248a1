namespace AuthClients.Web.Features.Activity;

/// <summary>
/// Why a client's authentication or token request was refused, as the Activity tab, the dashboard,
/// the metrics and the Warning log line name it. The caller never sees it: it only ever hears
/// <c>invalid_client</c>, <c>unauthorized_client</c> or <c>invalid_scope</c>.
/// </summary>
public static class FailureReasons
{
    public const string WrongSecret = "wrong-secret";
    public const string ExpiredCredential = "expired-credential";
    public const string RevokedCredential = "revoked-credential";
    public const string DisabledClient = "disabled-client";
    public const string GrantNotAllowed = "grant-not-allowed";
    public const string BadAssertion = "bad-assertion";
    public const string UnknownScope = "unknown-scope";
    public const string UnknownClient = "unknown-client";

    /// <summary>What administrators read for each reason.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [WrongSecret] = "Wrong secret",
        [ExpiredCredential] = "Expired credential",
        [RevokedCredential] = "Revoked credential",
        [DisabledClient] = "Client disabled",
        [GrantNotAllowed] = "Grant type not allowed",
        [BadAssertion] = "Bad client assertion",
        [UnknownScope] = "Scope not allowed",
        [UnknownClient] = "Unknown Client ID",
    };

    public static string Describe(string reason) => Descriptions.TryGetValue(reason, out var text) ? text : reason;
}
