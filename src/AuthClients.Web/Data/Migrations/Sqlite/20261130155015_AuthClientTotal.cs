using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuthClientTotal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuthClientTotals",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthClientTotals", x => x.Id);
                });

            // The one row starts at the clients there are; the triggers keep it (Data/Entities/ClientNumber.cs, AuthClientTotal).
            migrationBuilder.Sql("""
                INSERT INTO "AuthClientTotals" ("Id", "Count") SELECT 1, COUNT(*) FROM "OpenIddictApplications";
                CREATE TRIGGER "AuthClientTotal_AfterInsert" AFTER INSERT ON "OpenIddictApplications" BEGIN
                    UPDATE "AuthClientTotals" SET "Count" = "Count" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "AuthClientTotal_AfterDelete" AFTER DELETE ON "OpenIddictApplications" BEGIN
                    UPDATE "AuthClientTotals" SET "Count" = "Count" - 1 WHERE "Id" = 1;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "AuthClientTotal_AfterInsert";
                DROP TRIGGER "AuthClientTotal_AfterDelete";
                """);

            migrationBuilder.DropTable(
                name: "AuthClientTotals");
        }
    }
}
