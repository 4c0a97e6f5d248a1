using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GroupConcurrencyStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConcurrencyStamp",
                table: "Groups",
                type: "TEXT",
                maxLength: 36,
                nullable: false,
                defaultValue: "");

            // Existing groups need a version an edit form can send back (an empty one binds as none).
            migrationBuilder.Sql("""
                UPDATE "Groups" SET "ConcurrencyStamp" = "Id";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConcurrencyStamp",
                table: "Groups");
        }
    }
}
