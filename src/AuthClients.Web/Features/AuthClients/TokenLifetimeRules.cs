using System.Collections.Immutable;
using System.Globalization;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// One per-client token lifetime: its bounds, the values the page offers, and the OpenIddict
/// application setting it is stored in (<see cref="Settings.TokenLifetimes"/>), which OpenIddict
/// applies itself to every token it issues for the client from then on.
/// </summary>
/// <param name="Field">The settings' property name: the form's field and the key of its messages.</param>
/// <param name="ApiField">The API's name for it, in whole seconds.</param>
/// <param name="Label">The field's label, also used in its message.</param>
/// <param name="Setting">The OpenIddict application setting.</param>
public sealed record TokenLifetimeRule(
    string Field,
    string ApiField,
    string Label,
    string Setting,
    TimeSpan Min,
    TimeSpan Max,
    IReadOnlyList<TimeSpan> Choices,
    Func<AuthClientSettings, TimeSpan?> Of)
{
    public string Message => $"The {Label.ToLowerInvariant()} must be between {TokenLifetimeRules.Text(Min)} and {TokenLifetimeRules.Text(Max)}, or Default.";

    /// <summary>The message for <paramref name="value"/>, or null when it is allowed (null is Default, always allowed).</summary>
    public string? Problem(TimeSpan? value) => value is { } lifetime && (lifetime < Min || lifetime > Max) ? Message : null;

    /// <summary>The lifetime stored in <paramref name="settings"/> (OpenIddict's application settings), or null.</summary>
    public TimeSpan? Read(IReadOnlyDictionary<string, string> settings) =>
        settings.TryGetValue(Setting, out var text) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var lifetime) ? lifetime : null;

    /// <summary>Stores <paramref name="lifetime"/> in <paramref name="settings"/>, or removes it for Default.</summary>
    public void Write(Dictionary<string, string> settings, TimeSpan? lifetime)
    {
        if (lifetime is { } value)
        {
            settings[Setting] = value.ToString("c", CultureInfo.InvariantCulture);
        }
        else
        {
            settings.Remove(Setting);
        }
    }
}

public static class TokenLifetimeRules
{
    public static TokenLifetimeRule AccessToken { get; } = new(
        nameof(AuthClientSettings.AccessTokenLifetime), "access_token_lifetime_seconds", "Access token lifetime", Settings.TokenLifetimes.AccessToken,
        TimeSpan.FromMinutes(1), TimeSpan.FromDays(1),
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(8), TimeSpan.FromDays(1)],
        s => s.AccessTokenLifetime);

    public static TokenLifetimeRule RefreshToken { get; } = new(
        nameof(AuthClientSettings.RefreshTokenLifetime), "refresh_token_lifetime_seconds", "Refresh token lifetime", Settings.TokenLifetimes.RefreshToken,
        TimeSpan.FromHours(1), TimeSpan.FromDays(365),
        [TimeSpan.FromHours(1), TimeSpan.FromHours(8), TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(30), TimeSpan.FromDays(90), TimeSpan.FromDays(365)],
        s => s.RefreshTokenLifetime);

    public static TokenLifetimeRule IdentityToken { get; } = new(
        nameof(AuthClientSettings.IdentityTokenLifetime), "id_token_lifetime_seconds", "ID token lifetime", Settings.TokenLifetimes.IdentityToken,
        TimeSpan.FromMinutes(1), TimeSpan.FromDays(1),
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(8), TimeSpan.FromDays(1)],
        s => s.IdentityTokenLifetime);

    public static IReadOnlyList<TokenLifetimeRule> All { get; } = [AccessToken, RefreshToken, IdentityToken];

    /// <summary>
    /// Whole seconds as a lifetime (the page's and the API's unit); null stays null (Default).
    /// Beyond a century it is a century: out of bounds either way, and no overflow.
    /// </summary>
    public static TimeSpan? FromSeconds(long? seconds) => seconds is { } value ? TimeSpan.FromSeconds(Math.Clamp(value, -Century, Century)) : null;

    private const long Century = 100L * 366 * 24 * 60 * 60;

    public static long? ToSeconds(TimeSpan? lifetime) => lifetime is { } value ? (long)value.TotalSeconds : null;

    /// <summary>The client's lifetimes as stored in its OpenIddict settings, applied to <paramref name="settings"/>.</summary>
    public static AuthClientSettings WithLifetimes(this AuthClientSettings settings, ImmutableDictionary<string, string> stored) => settings with
    {
        AccessTokenLifetime = AccessToken.Read(stored),
        RefreshTokenLifetime = RefreshToken.Read(stored),
        IdentityTokenLifetime = IdentityToken.Read(stored),
    };

    /// <summary>Writes the lifetimes of <paramref name="settings"/> into OpenIddict's application settings.</summary>
    public static void WriteTo(AuthClientSettings settings, Dictionary<string, string> stored)
    {
        foreach (var rule in All)
        {
            rule.Write(stored, rule.Of(settings));
        }
    }

    /// <summary>A lifetime as people say it: "15 minutes", "1 hour", "365 days"; odd values in the largest whole unit, else seconds.</summary>
    public static string Text(TimeSpan lifetime) =>
        lifetime.TotalDays >= 1 && lifetime.TotalDays % 1 == 0 ? Count((long)lifetime.TotalDays, "day")
        : lifetime.TotalHours >= 1 && lifetime.TotalHours % 1 == 0 ? Count((long)lifetime.TotalHours, "hour")
        : lifetime.TotalMinutes >= 1 && lifetime.TotalMinutes % 1 == 0 ? Count((long)lifetime.TotalMinutes, "minute")
        : Count((long)lifetime.TotalSeconds, "second");

    private static string Count(long count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
