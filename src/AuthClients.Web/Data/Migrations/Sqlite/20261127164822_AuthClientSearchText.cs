using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Existing clients: name and redirect URIs, one per line, as AuthClientSearch.TextFor
            // writes them (SQLite's UPPER folds ASCII only; the next save of a client rewrites it).
            migrationBuilder.Sql("""
                UPDATE "OpenIddictApplications" SET "SearchText" = "NormalizedName" || COALESCE(
                    (SELECT group_concat(char(10) || upper(value), '') FROM json_each("RedirectUris")), '');
                """);

            // The trigram index the list's search asks first (Features/AuthClients/AuthClientSearch.cs).
            // Its rowid is the client's number. Triggers keep it in step with every write, whoever makes it.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "AuthClientSearch" USING fts5("Text", tokenize = 'trigram case_sensitive 1');
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AuthClientSearch" (rowid, "Text") SELECT "Number", "SearchText" FROM "OpenIddictApplications";
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuthClientSearch_AfterInsert" AFTER INSERT ON "OpenIddictApplications" BEGIN
                    INSERT INTO "AuthClientSearch" (rowid, "Text") VALUES (NEW."Number", NEW."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuthClientSearch_AfterUpdate" AFTER UPDATE OF "Number", "SearchText" ON "OpenIddictApplications" BEGIN
                    DELETE FROM "AuthClientSearch" WHERE rowid = OLD."Number";
                    INSERT INTO "AuthClientSearch" (rowid, "Text") VALUES (NEW."Number", NEW."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuthClientSearch_AfterDelete" AFTER DELETE ON "OpenIddictApplications" BEGIN
                    DELETE FROM "AuthClientSearch" WHERE rowid = OLD."Number";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuthClientSearch_AfterInsert";""");
            migrationBuilder.Sql("""DROP TRIGGER "AuthClientSearch_AfterUpdate";""");
            migrationBuilder.Sql("""DROP TRIGGER "AuthClientSearch_AfterDelete";""");
            migrationBuilder.Sql("""DROP TABLE "AuthClientSearch";""");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "OpenIddictApplications");
        }
    }
}
