using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// What the tests of the Auth Clients table share. They share one database per class, so each
/// works on clients whose names carry a tag of its own (<see cref="NewTag"/>) and searches for it.
/// </summary>
internal static class AuthClientListQueries
{
    public static string NewTag() => $"t{Guid.NewGuid():N}"[..12];

    public static string Search(string term) => $"{AuthClientPages.List}?search={Uri.EscapeDataString(term)}";

    public static List<string> Names(IHtmlDocument page) => page.Rows().Select(r => r.Name).ToList();
}
