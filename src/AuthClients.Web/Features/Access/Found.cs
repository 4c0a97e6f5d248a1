namespace AuthClients.Web.Features.Access;

/// <summary>A page's subject: null when it does not exist, not <see cref="Allowed"/> when the viewer may not change it.</summary>
public sealed record Found<T>(T? Value, bool Allowed) where T : class;
