namespace AuthClients.Tests.Shared;

/// <summary>Where the repository is, seen from a test project's (or the bench driver's) build output.</summary>
internal static class Repository
{
    /// <summary>The folder that holds AuthClients.sln, above <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AuthClients.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"AuthClients.sln not found above {AppContext.BaseDirectory}.");
    }
}
