using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.PostgreSql
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
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthClientTotals", x => x.Id);
                });

            // The one row starts at the clients there are; the triggers keep it (Data/Entities/ClientNumber.cs, AuthClientTotal).
            migrationBuilder.Sql("""
                INSERT INTO "AuthClientTotals" ("Id", "Count") SELECT 1, COUNT(*) FROM "OpenIddictApplications";
                CREATE FUNCTION auth_client_total_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        UPDATE "AuthClientTotals" SET "Count" = "Count" + 1 WHERE "Id" = 1;
                    ELSIF TG_OP = 'DELETE' THEN
                        UPDATE "AuthClientTotals" SET "Count" = "Count" - 1 WHERE "Id" = 1;
                    ELSE
                        UPDATE "AuthClientTotals" SET "Count" = 0 WHERE "Id" = 1;
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "AuthClientTotal_Count" AFTER INSERT OR DELETE ON "OpenIddictApplications"
                    FOR EACH ROW EXECUTE FUNCTION auth_client_total_count();
                CREATE TRIGGER "AuthClientTotal_Truncate" AFTER TRUNCATE ON "OpenIddictApplications"
                    FOR EACH STATEMENT EXECUTE FUNCTION auth_client_total_count();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "AuthClientTotal_Count" ON "OpenIddictApplications";
                DROP TRIGGER "AuthClientTotal_Truncate" ON "OpenIddictApplications";
                DROP FUNCTION auth_client_total_count();
                """);

            migrationBuilder.DropTable(
                name: "AuthClientTotals");
        }
    }
}
