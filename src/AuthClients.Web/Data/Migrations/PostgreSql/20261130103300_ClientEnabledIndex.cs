using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ClientEnabledIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictApplications_IsEnabled",
                table: "OpenIddictApplications",
                column: "IsEnabled");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OpenIddictApplications_IsEnabled",
                table: "OpenIddictApplications");
        }
    }
}
