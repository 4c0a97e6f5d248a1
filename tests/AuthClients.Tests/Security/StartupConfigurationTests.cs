using System.Diagnostics;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthClients.Tests.Security;

/// <summary>
/// A bad setting stops the app at start-up with a message naming the setting, not later with a
/// stack trace. The app catches the validation error in Program.cs and exits with code 1, so the
/// user-visible behaviour is checked on the real process.
/// </summary>
public sealed class StartupConfigurationTests
{
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Database__Provider", "Oracle", "Database:Provider" },
        { "ConnectionStrings__Default", "", "ConnectionStrings:Default" },
        { "Bootstrap__AdminPassword", "too-short", "Bootstrap:AdminPassword" },
        { "Bootstrap__AdminEmail", "not-an-email", "Bootstrap:AdminEmail" },
        { "OAuthServer__Issuer", "", "OAuthServer:Issuer" }, // with the shipped AllowedHosts=*
        { "OAuthServer__Issuer", "auth.example.com", "OAuthServer:Issuer" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_WithBadSetting_ExitsWithAMessageNamingIt(string variable, string value, string setting)
    {
        var (exitCode, errors) = await RunAppAsync(variable, value);

        Assert.Equal(1, exitCode);
        Assert.Contains(setting, errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAppDatabase_WithUnknownProvider_ThrowsOptionsValidationExceptionNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Oracle",
                ["ConnectionStrings:Default"] = "Data Source=unused.db",
            })
            .Build();

        var failure = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddAppDatabase(configuration, new TestEnvironment()));

        Assert.Contains("Database:Provider", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Oracle", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the built app (next to the tests) with one bad setting and a throw-away database.</summary>
    private static async Task<(int ExitCode, string Errors)> RunAppAsync(string variable, string value)
    {
        var database = Path.Combine(Path.GetTempPath(), $"authclients-startup-{Guid.NewGuid():N}.db");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AuthClients.Web.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["ConnectionStrings__Default"] = $"Data Source={database}";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Bootstrap__AdminEmail"] = "admin@example.test";
        start.Environment["Bootstrap__AdminPassword"] = "a-long-enough-password";
        start.Environment["OAuthServer__Issuer"] = "https://auth.example.com/"; // required in Production
        start.Environment[variable] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app did not stop with {variable}={value}; it went on running. Output: {await output}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }

        return (process.ExitCode, await errors);
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "AuthClients.Web";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
