using System.ComponentModel;
using System.Reflection;
using AuthClients.Tests.ScaleOut;
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
/// user-visible behaviour is checked on the real process, for every setting of every section:
/// the settings are found by reflection on the app's options types (each has a <c>Section</c>
/// constant), so a new one is tried as soon as it exists.
/// </summary>
public sealed class StartupConfigurationTests(OperatorCertificate certificate) : IClassFixture<OperatorCertificate>
{
    /// <summary>Stands for a text setting nobody has yet given a bad value in <see cref="BadTexts"/>.</summary>
    private const string NoBadValueYet = "(no bad value yet)";

    /// <summary>What a text setting must refuse; a password is tried wrong, with its certificate file set.</summary>
    private static readonly Dictionary<string, string> BadTexts = new()
    {
        ["Database:Provider"] = "Oracle",
        ["Bootstrap:AdminEmail"] = "not-an-email",
        ["Bootstrap:AdminPassword"] = "too-short",
        ["OAuthServer:SigningCertificatePath"] = "/nowhere/signing.pfx",
        ["OAuthServer:SigningCertificatePassword"] = "wrong-password",
        ["ForwardedHeaders:KnownProxies:0"] = "proxy.example",
        ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/99",
        ["DataProtection:CertificatePath"] = "/nowhere/keys.pfx",
        ["DataProtection:CertificatePassword"] = "wrong-password",
        ["DataProtection:PreviousCertificates:0:Path"] = "/nowhere/old-keys.pfx",
        ["DataProtection:PreviousCertificates:0:Password"] = "wrong-password",
    };

    public static TheoryData<string, string> BadSettings()
    {
        var data = new TheoryData<string, string> { { "ConnectionStrings:Default", "" } };
        var sections = typeof(Program).Assembly.GetTypes()
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(s => s.Section is not null);
        foreach (var (type, section) in sections)
        {
            foreach (var (key, settingType) in Settings(section!, type))
            {
                foreach (var value in BadValues(key, settingType))
                {
                    data.Add(key, value);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_WithBadSetting_ExitsWithOneLineNamingIt(string key, string value)
    {
        Assert.False(value == NoBadValueYet, $"{key} is a new text setting: give BadTexts a value it must refuse.");
        var database = Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={database}" };
        if (key.EndsWith("Password", StringComparison.Ordinal) && key.Contains("Certificate", StringComparison.Ordinal))
        {
            settings[key[..^"Password".Length] + "Path"] = certificate.Path;
        }

        settings[key] = value;

        var (exitCode, output) = await AppProcess.RunToExitAsync(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("AuthClients cannot start, the configuration is invalid:", output, StringComparison.Ordinal);
        var failure = Assert.Single(output.Split('\n'), line => line.StartsWith("  - ", StringComparison.Ordinal));
        Assert.Contains(key, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(database), "The app went on to create its database.");
    }

    [Theory]
    [InlineData("AuthClients:Credentials:DefaultSecretLifetime", "00:59:00")]
    [InlineData("AuthClients:Credentials:MaxSecretLifetime", "3651.00:00:00")]
    [InlineData("AuthClients:Credentials:LastUsedFlushInterval", "00:00:00")]
    [InlineData("AuthClients:Credentials:ExpiryWarning", "366.00:00:00")]
    public async Task Start_WithCredentialSettingOutOfRange_ExitsNamingIt(string key, string value)
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.db")}",
            [key] = value,
        });

        Assert.Equal(1, exitCode);
        Assert.Contains(key, Assert.Single(output.Split('\n'), line => line.StartsWith("  - ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithADefaultSecretLifetimeLongerThanTheMaximum_ExitsNamingBoth()
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.db")}",
            ["AuthClients:Credentials:DefaultSecretLifetime"] = "30.00:00:00",
            ["AuthClients:Credentials:MaxSecretLifetime"] = "7.00:00:00",
        });

        Assert.Equal(1, exitCode);
        var failure = Assert.Single(output.Split('\n'), line => line.StartsWith("  - ", StringComparison.Ordinal));
        Assert.Contains("AuthClients:Credentials:DefaultSecretLifetime", failure, StringComparison.Ordinal);
        Assert.Contains("AuthClients:Credentials:MaxSecretLifetime", failure, StringComparison.Ordinal);
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

    /// <summary>
    /// Every key the binder reads into <paramref name="type"/> under <paramref name="key"/>: values
    /// with a public setter, each list itself and its first entry, one named entry of a dictionary.
    /// </summary>
    private static IEnumerable<(string Key, Type Type)> Settings(string key, Type type)
    {
        if (IsValue(type))
        {
            return [(key, type)];
        }

        var generic = type.GetInterfaces().Append(type).Where(i => i.IsGenericType).ToList();
        if (generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dictionary)
        {
            return Settings($"{key}:Default", dictionary.GetGenericArguments()[1]);
        }

        if (generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } list)
        {
            return Settings($"{key}:0", list.GetGenericArguments()[0]).Prepend((key, type));
        }

        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod?.IsPublic == true || !IsValue(p.PropertyType))
            .SelectMany(p => Settings($"{key}:{p.Name}", p.PropertyType));
    }

    private static IEnumerable<string> BadValues(string key, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(string) => [BadTexts.GetValueOrDefault(key, NoBadValueYet)],
            _ when target == typeof(TimeSpan) => ["abc", "-00:00:01"],
            _ when target == typeof(int) || target == typeof(long) => ["abc", "-1"],
            _ when target.IsEnum => ["abc", "7"],
            _ when target == typeof(bool) || target == typeof(Uri) => ["abc"],
            _ when !IsValue(target) => ["10.0.0.5"], // one value where a list is expected
            _ => [NoBadValueYet],
        };
    }

    private static bool IsValue(Type type) =>
        type == typeof(string) || TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "AuthClients.Web";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
