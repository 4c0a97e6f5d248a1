using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.PostgreSql
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Changes goes up with every insert, delete and rename: what moves a client in the list's
            // name and number orders (Data/Entities/ClientNumber.cs, AuthClientTotal.Changes).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION auth_client_total_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        UPDATE "AuthClientTotals" SET "Count" = "Count" + 1, "Changes" = "Changes" + 1 WHERE "Id" = 1;
                    ELSIF TG_OP = 'DELETE' THEN
                        UPDATE "AuthClientTotals" SET "Count" = "Count" - 1, "Changes" = "Changes" + 1 WHERE "Id" = 1;
                    ELSIF TG_OP = 'UPDATE' THEN
                        UPDATE "AuthClientTotals" SET "Changes" = "Changes" + 1 WHERE "Id" = 1;
                    ELSE
                        UPDATE "AuthClientTotals" SET "Count" = 0, "Changes" = "Changes" + 1 WHERE "Id" = 1;
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "AuthClientTotal_Rename" AFTER UPDATE OF "NormalizedName" ON "OpenIddictApplications"
                    FOR EACH ROW WHEN (OLD."NormalizedName" IS DISTINCT FROM NEW."NormalizedName") EXECUTE FUNCTION auth_client_total_count();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "AuthClientTotal_Rename" ON "OpenIddictApplications";
                CREATE OR REPLACE FUNCTION auth_client_total_count() RETURNS trigger LANGUAGE plpgsql AS $$
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
                """);

            migrationBuilder.DropColumn(
                name: "Changes",
                table: "AuthClientTotals");
        }
    }
}
