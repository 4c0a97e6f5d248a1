using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AuthClientSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "OpenIddictApplications",
                type: "text",
                nullable: false,
                defaultValue: "");

            // Existing clients: name and redirect URIs, one per line, as AuthClientSearch.TextFor writes them.
            migrationBuilder.Sql("""
                UPDATE "OpenIddictApplications" SET "SearchText" = "NormalizedName" || COALESCE(
                    (SELECT string_agg(E'\n' || upper(uri), '') FROM json_array_elements_text("RedirectUris"::json) AS uri), '');
                """);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictApplications_SearchText",
                table: "OpenIddictApplications",
                column: "SearchText")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OpenIddictApplications_SearchText",
                table: "OpenIddictApplications");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "OpenIddictApplications");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
