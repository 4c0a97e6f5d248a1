using OpenIddict.EntityFrameworkCore.Models;

namespace AuthClients.Web.Data.Entities;

/// <summary>
/// OpenIddict's application entity with the columns the Auth Clients page needs to search, sort
/// and copy without parsing OpenIddict's JSON columns.
/// </summary>
public sealed class AuthClientApplication : OpenIddictEntityFrameworkCoreApplication<string, AuthClientAuthorization, AuthClientToken>
{
    public AuthClientApplication() => Id = Guid.NewGuid().ToString();

    /// <summary>The sequential Client ID as a number (the OpenIddict <c>ClientId</c> is its text).</summary>
    public long Number { get; set; }

    /// <summary>Upper-cased display name: the unique, case-insensitive key and the sort key.</summary>
    public string NormalizedName { get; set; } = "";

    /// <summary>The first redirect URI, shown and sorted in the list.</summary>
    public string? PrimaryRedirectUri { get; set; }

    /// <summary>
    /// What the list's search box looks in: the name and every redirect URI, one per line,
    /// upper-cased in .NET (databases upper-case only ASCII). Indexed for substring search per
    /// provider; see <see cref="Features.AuthClients.AuthClientSearch"/>.
    /// </summary>
    public string SearchText { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string? CreatedById { get; set; }

    /// <summary>A disabled client gets no tokens and its tokens are refused; it keeps its Client ID and history.</summary>
    public bool IsEnabled { get; set; } = true;

    /// <summary>When any of its credentials (or, for a public client, the client itself) was last used, to the minute.</summary>
    public DateTime? LastUsedAt { get; set; }

    /// <summary>The address the last use came from.</summary>
    public string? LastUsedFrom { get; set; }
}

public sealed class AuthClientAuthorization : OpenIddictEntityFrameworkCoreAuthorization<string, AuthClientApplication, AuthClientToken>
{
    public AuthClientAuthorization() => Id = Guid.NewGuid().ToString();
}

public sealed class AuthClientScope : OpenIddictEntityFrameworkCoreScope<string>
{
    public AuthClientScope() => Id = Guid.NewGuid().ToString();
}

public sealed class AuthClientToken : OpenIddictEntityFrameworkCoreToken<string, AuthClientApplication, AuthClientAuthorization>
{
    public AuthClientToken() => Id = Guid.NewGuid().ToString();
}
