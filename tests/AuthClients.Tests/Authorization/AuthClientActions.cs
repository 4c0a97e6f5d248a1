using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Hosting;

namespace AuthClients.Tests.Authorization;

/// <summary>One action of /admin/auth-clients and the permissions it needs.</summary>
public sealed record AuthClientAction(string Name, HttpMethod Method, string PathTemplate, IReadOnlyList<Permission> Requires)
{
    public bool IsPost => Method == HttpMethod.Post;

    public string PathFor(string id) => PathTemplate.Replace("{id}", id, StringComparison.Ordinal);

    public override string ToString() => Name;
}

/// <summary>Every action of the Auth Clients page, sent the way the page sends it.</summary>
public static class AuthClientActions
{
    public const string List = "GET list";
    public const string CreatePage = "GET create";
    public const string Create = "POST create";
    public const string EditPage = "GET edit";
    public const string Edit = "POST edit";
    public const string Delete = "POST delete";
    public const string CopySecret = "POST secret";
    public const string RegenerateSecret = "POST regenerate-secret";

    private static readonly Permission View = Permissions.AuthClients.View;

    public static IReadOnlyDictionary<string, AuthClientAction> ByName { get; } = new[]
    {
        new AuthClientAction(List, HttpMethod.Get, AuthClientPages.List, [View]),
        new AuthClientAction(CreatePage, HttpMethod.Get, AuthClientPages.CreatePage, [View, Permissions.AuthClients.Create]),
        new AuthClientAction(Create, HttpMethod.Post, AuthClientPages.CreatePage, [View, Permissions.AuthClients.Create]),
        new AuthClientAction(EditPage, HttpMethod.Get, $"{AuthClientPages.List}/{{id}}/edit", [View, Permissions.AuthClients.Edit]),
        new AuthClientAction(Edit, HttpMethod.Post, $"{AuthClientPages.List}/{{id}}/edit", [View, Permissions.AuthClients.Edit]),
        new AuthClientAction(Delete, HttpMethod.Post, $"{AuthClientPages.List}/{{id}}/delete", [View, Permissions.AuthClients.Delete]),
        new AuthClientAction(CopySecret, HttpMethod.Post, $"{AuthClientPages.List}/{{id}}/secret", [View]),
        new AuthClientAction(RegenerateSecret, HttpMethod.Post, $"{AuthClientPages.List}/{{id}}/regenerate-secret", [View, Permissions.AuthClients.Edit]),
    }.ToDictionary(a => a.Name);

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static TheoryData<string> PostNames => [.. ByName.Values.Where(a => a.IsPost).Select(a => a.Name)];

    /// <summary>
    /// Sends <paramref name="actionName"/> against <paramref name="target"/> as a complete, valid
    /// request (a valid anti-forgery token and a valid form), so that only authorization can
    /// refuse it. Create and edit use <paramref name="newName"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient browser, string actionName, StoredClient target, string newName)
    {
        var action = ByName[actionName];
        using var request = new HttpRequestMessage(action.Method, action.PathFor(target.Id));
        if (action.IsPost)
        {
            // The sign-in page is open to everyone, so any visitor (signed in or not) can get a
            // token bound to their own session there.
            var token = await browser.GetAntiforgeryTokenAsync(Routes.SignIn);
            var fields = actionName switch
            {
                Create => AuthClientPages.Form(newName),
                Edit => AuthClientPages.Form(newName, concurrencyToken: target.ConcurrencyToken),
                _ => [],
            };
            request.Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        }

        return await browser.SendAsync(request);
    }
}
