using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

public enum DatabaseProvider { Sqlite, SqlServer, PostgreSql }

/// <summary>The <c>Database</c> section, plus <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default), <c>SqlServer</c> or <c>PostgreSql</c>.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>Apply pending migrations when the app starts. Operators who migrate by hand set it to false.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    [Required(ErrorMessage = "ConnectionStrings:Default is missing: set the database connection string.")]
    public string? ConnectionString { get; set; }

    public DatabaseProvider ParsedProvider =>
        Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new OptionsValidationException(Section, typeof(DatabaseOptions),
                [$"Database:Provider '{Provider}' is not supported: use Sqlite, SqlServer or PostgreSql."]);
}

public static class DatabaseHosting
{
    public static IServiceCollection AddAppDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // The provider decides which services to register, so it is read and checked here,
        // before the container is built: a bad setting stops the app with a message naming it.
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        options.ConnectionString = configuration.GetConnectionString("Default");
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions), problems.Select(p => p.ErrorMessage!));
        }

        var connectionString = options.ConnectionString!;
        switch (options.ParsedProvider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = ResolveSqlitePath(connectionString, environment.ContentRootPath);
                services.AddDbContext<SqliteAppDbContext>(o => o.UseSqlite(connectionString));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContext<SqlServerAppDbContext>(o => o.UseSqlServer(connectionString));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqlServerAppDbContext>());
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContext<PostgreSqlAppDbContext>(o => o.UseNpgsql(connectionString));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgreSqlAppDbContext>());
                break;
        }

        options.ConnectionString = connectionString;
        services.AddSingleton(Options.Create(options));
        return services;
    }

    /// <summary>
    /// Makes a relative SQLite file path relative to the app's content root (not the shell's
    /// current folder) and creates its folder, so the first run needs no set-up.
    /// </summary>
    private static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is not (":memory:" or "") && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        return builder.ToString();
    }
}
