using System.Globalization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>
/// The Credentials section of a confidential client's edit page: its secrets and public keys, and
/// what the viewer may do with them. Holds no secret: the copy buttons fetch one on demand.
/// </summary>
/// <param name="ClientKey">The client's internal id, in the section's URLs.</param>
/// <param name="ClientName">Named in the dialogs.</param>
/// <param name="Scopes">The client's API scopes: what taking one of its credentials hands over.</param>
/// <param name="MayTakeSecret">Whether the viewer holds every right the client's scopes grant: only then may they copy, rotate or add a key.</param>
/// <param name="PublicKey">The Add public key form: empty, or as posted when it was refused.</param>
/// <param name="Now">When the page was made, for "3 minutes ago".</param>
public sealed record CredentialsViewModel(
    string ClientKey,
    string ClientName,
    IReadOnlyList<CredentialView> Credentials,
    IReadOnlyList<string> Scopes,
    bool MayTakeSecret,
    PublicKeyForm PublicKey,
    DateTime Now)
{
    public const string RotateDialogId = "rotate-dialog";
    public const string RevokeDialogId = "revoke-dialog";

    public string BaseUrl => $"{Hosting.Routes.AuthClients}/{ClientKey}";

    /// <summary>The newest active secret: what programs should be using, and what the list's copy button hands out.</summary>
    public CredentialView? NewestSecret { get; } =
        Credentials.Where(c => c.Kind == CredentialKind.Secret && c.IsActive).MaxBy(c => c.CreatedAt);

    /// <summary>
    /// For an older secret still in its grace period: whether programs still use it since the newest
    /// secret was made ("last used 3 minutes ago from 10.0.0.4"); null for any other credential.
    /// </summary>
    public string? PreviousSecretUse(CredentialView credential)
    {
        if (credential.Kind != CredentialKind.Secret || !credential.IsActive || NewestSecret is not { } newest || credential.Id == newest.Id)
        {
            return null;
        }

        // Uses are kept to the minute: one in the minute the new secret was made may have come after it,
        // and "still in use" is the safe thing to say.
        var madeInMinute = new DateTime(newest.CreatedAt.Ticks - (newest.CreatedAt.Ticks % TimeSpan.TicksPerMinute), newest.CreatedAt.Kind);
        return credential.LastUsedAt is { } used && used >= madeInMinute
            ? $"last used {Ago(used)}{(credential.LastUsedFrom is { } from ? $" from {from}" : "")}"
            : "not used since the new secret was created";
    }

    /// <summary>"3 minutes ago", "2 days ago", "just now".</summary>
    public string Ago(DateTime when)
    {
        var elapsed = Now - when;
        return elapsed < TimeSpan.FromMinutes(1) ? "just now"
            : elapsed < TimeSpan.FromHours(1) ? Count((int)elapsed.TotalMinutes, "minute") + " ago"
            : elapsed < TimeSpan.FromDays(1) ? Count((int)elapsed.TotalHours, "hour") + " ago"
            : Count((int)elapsed.TotalDays, "day") + " ago";
    }

    /// <summary>A time as the admin pages write it: <c>2026-11-30 06:40 UTC</c>.</summary>
    public static string Utc(DateTime when) => when.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string StateText(CredentialState state) => state switch
    {
        CredentialState.Active => "active",
        CredentialState.ExpiringSoon => "expiring soon",
        CredentialState.Expired => "expired",
        _ => "revoked",
    };

    public static string StateBadge(CredentialState state) => state switch
    {
        CredentialState.Active => "text-bg-success",
        CredentialState.ExpiringSoon => "text-bg-warning",
        CredentialState.Expired => "text-bg-secondary",
        _ => "text-bg-danger",
    };

    public static string KindText(CredentialKind kind) => kind == CredentialKind.Secret ? "secret" : "public key";

    /// <summary>The Rotate secret dialog's grace periods: the posted value and its name.</summary>
    public static IReadOnlyList<(string Value, string Text, bool IsDefault)> GracePeriodChoices { get; } =
        [.. SecretRotation.GracePeriods.Select(p => (p.ToString("c", CultureInfo.InvariantCulture), GracePeriodText(p), p == SecretRotation.DefaultGracePeriod))];

    private static string GracePeriodText(TimeSpan period) =>
        period == TimeSpan.Zero ? "End now" : period < TimeSpan.FromDays(1) ? Count((int)period.TotalHours, "hour") : Count((int)period.TotalDays, "day");

    private static string Count(int n, string unit) => $"{n} {unit}{(n == 1 ? "" : "s")}";
}

/// <summary>What the Rotate secret dialog posts (prefix <c>Rotation</c>).</summary>
public sealed class SecretRotationForm
{
    /// <summary>One of <see cref="SecretRotation.GracePeriods"/>; 7 days unless chosen.</summary>
    public TimeSpan GracePeriod { get; set; } = SecretRotation.DefaultGracePeriod;

    public string? Label { get; set; }

    /// <summary>The new secret's last day: it stops at 00:00 UTC of this date.</summary>
    public DateOnly? ExpiresAt { get; set; }

    public SecretRotation ToRotation() => new(GracePeriod, Label, PublicKeyForm.StartOf(ExpiresAt));
}

/// <summary>What the Add public key form posts (prefix <c>Form</c>, like every form whose messages <c>ModelState.AddErrors</c> places).</summary>
public sealed class PublicKeyForm
{
    /// <summary>A JSON Web Key or a PEM block, kept as pasted when it is refused.</summary>
    public string? Key { get; set; }

    public string? Label { get; set; }

    /// <summary>The key stops at 00:00 UTC of this date.</summary>
    public DateOnly? ExpiresAt { get; set; }

    public PublicKeyCredential ToCredential() => new(Key, Label, StartOf(ExpiresAt));

    /// <summary>The same form with the key field emptied (a private key is never shown back).</summary>
    public PublicKeyForm WithoutKey() => new() { Label = Label, ExpiresAt = ExpiresAt };

    internal static DateTime? StartOf(DateOnly? date) => date?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}
