using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuthClientOrderChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Changes",
                table: "AuthClientTotals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Changes goes up with every insert, delete and rename: what moves a client in the list's
            // name and number orders (Data/Entities/ClientNumber.cs, AuthClientTotal.Changes).
            migrationBuilder.Sql("""
                DROP TRIGGER "AuthClientTotal_AfterInsert";
                DROP TRIGGER "AuthClientTotal_AfterDelete";
                CREATE TRIGGER "AuthClientTotal_AfterInsert" AFTER INSERT ON "OpenIddictApplications" BEGIN
                    UPDATE "AuthClientTotals" SET "Count" = "Count" + 1, "Changes" = "Changes" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "AuthClientTotal_AfterDelete" AFTER DELETE ON "OpenIddictApplications" BEGIN
                    UPDATE "AuthClientTotals" SET "Count" = "Count" - 1, "Changes" = "Changes" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "AuthClientTotal_AfterRename" AFTER UPDATE OF "NormalizedName" ON "OpenIddictApplications"
                WHEN OLD."NormalizedName" IS NOT NEW."NormalizedName" BEGIN
                    UPDATE "AuthClientTotals" SET "Changes" = "Changes" + 1 WHERE "Id" = 1;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "AuthClientTotal_AfterRename";
                DROP TRIGGER "AuthClientTotal_AfterInsert";
                DROP TRIGGER "AuthClientTotal_AfterDelete";
                CREATE TRIGGER "AuthClientTotal_AfterInsert" AFTER INSERT ON "OpenIddictApplications" BEGIN
                    UPDATE "AuthClientTotals" SET "Count" = "Count" + 1 WHERE "Id" = 1;
                END;
                CREATE TRIGGER "AuthClientTotal_AfterDelete" AFTER DELETE ON "OpenIddictApplications" BEGIN
                    UPDATE "AuthClientTotals" SET "Count" = "Count" - 1 WHERE "Id" = 1;
                END;
                """);

            migrationBuilder.DropColumn(
                name: "Changes",
                table: "AuthClientTotals");
        }
    }
}
