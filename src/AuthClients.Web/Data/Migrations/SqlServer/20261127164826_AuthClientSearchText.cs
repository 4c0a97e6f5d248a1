using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AuthClientSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "OpenIddictApplications",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            // Existing clients: name and redirect URIs, one per line, as AuthClientSearch.TextFor writes them.
            migrationBuilder.Sql("""
                UPDATE [OpenIddictApplications] SET [SearchText] = [NormalizedName] + COALESCE(
                    (SELECT STRING_AGG(CAST(NCHAR(10) + UPPER([value]) AS nvarchar(max)), N'') FROM OPENJSON([RedirectUris])), N'');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "OpenIddictApplications");
        }
    }
}
