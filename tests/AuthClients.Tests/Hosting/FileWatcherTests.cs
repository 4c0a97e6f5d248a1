using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Tests.ScaleOut;
using AuthClients.Web.Hosting;

namespace AuthClients.Tests.Hosting;

/// <summary>
/// Test apps take no inotify instance (tests/Shared/NoFileWatchers.cs), so the suite runs under
/// Linux's default limit of 128 per user however many apps are alive at once.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class FileWatcherTests
{
    private const int AppCount = 20;

    [Fact]
    public async Task TwentyAppsServingPages_TakeNoInotifyInstance()
    {
        var before = InotifyInstances.Count();
        var apps = new List<AuthClientsAppFactory>();
        try
        {
            for (var i = 0; i < AppCount; i++)
            {
                // One in Development, which also reads user secrets.
                var app = new AuthClientsAppFactory { EnvironmentName = i == 0 ? "Development" : "Testing" };
                apps.Add(app);

                // The sign-in page renders the layout, whose asp-append-version watches wwwroot.
                using var page = await app.CreateBrowser().GetAsync(new Uri(Routes.SignIn, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            Assert.Equal(before, InotifyInstances.Count());
        }
        finally
        {
            apps.ForEach(app => app.Dispose());
        }
    }

    [Fact]
    public async Task AppProcessServingPages_TakesNoInotifyInstance()
    {
        using var database = TestDatabase.CreateSqlite();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = database.ConnectionString,
            ["Bootstrap:AdminPassword"] = AuthClientsAppFactory.AdminPassword,
        });
        await app.WaitUntilReadyAsync();

        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var page = await http.GetAsync(new Uri(Routes.SignIn, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        Assert.Equal(0, InotifyInstances.Count(app.ProcessId));
    }
}

/// <summary>Tests that count what the whole process holds, run while no other test runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
